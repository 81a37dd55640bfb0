// Merging of identical in-flight subgraph fetches. Under load many clients ask the same thing at
// once (the venue list of a city, a popular venue's page): while one fetch of a document with the
// same variables, to the same subgraph, on behalf of the same authorisation scope is on its way,
// later ones wait for its answer instead of sending their own. Each waiter gets its own Response
// (the body text is shared, each parses its own copy): the gateway merges entity results into the
// objects it was given, so sharing parsed objects would leak one request's tree into another's.
//
// What is NOT part of the key: the per-request headers (x-request-id, traceparent, the identity
// header's signature and expiry). What IS: the subgraph URL, the exact request body (document,
// variables, operation name) and the caller's authorisation scope (user, roles, operated venues),
// so a fetch is only ever shared between requests that would have received the same answer.
// Only fetches of query operations are marked mergeable (never a mutation's).
import type { Viewer } from '@sport-venue/shared';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

interface SharedResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: string;
}

/** The part of the caller that decides what a subgraph answers: stable across their requests. */
export function authorisationScope(viewer: Viewer | null): string {
  if (!viewer) return 'anonymous';
  return JSON.stringify([viewer.userId, [...viewer.roles].sort(), [...viewer.venueIds].sort()]);
}

/**
 * Carries the scope from the data source's willSendRequest to its fetcher, which removes it: it
 * never goes on the wire (and a client cannot set it: client headers are not forwarded).
 */
const SCOPE_HEADER = 'x-sv-dedup-scope';

export interface FetchDedup {
  /** Marks the fetch that will carry these headers as mergeable with others of the same scope. */
  allow(headers: { set(name: string, value: string): void }, scope: string): void;
  /** `fetcher` with merging of the fetches marked by allow(); unmarked ones pass straight through. */
  wrap(fetcher: Fetch, subgraph: string): Fetch;
  /** Fetches in flight now (tests, diagnostics). */
  inFlight(): number;
}

export function createFetchDedup(opts: { onMerged?: (subgraph: string) => void } = {}): FetchDedup {
  const pending = new Map<string, Promise<SharedResponse>>();
  return {
    allow(headers, scope) {
      headers.set(SCOPE_HEADER, scope);
    },
    inFlight: () => pending.size,
    wrap(fetcher, subgraph) {
      return async (input, init) => {
        // The gateway hands its fetcher the headers as a plain object.
        const headers = init?.headers as Record<string, string> | undefined;
        const scope = headers?.[SCOPE_HEADER];
        if (scope === undefined) return fetcher(input, init);
        delete headers![SCOPE_HEADER];
        if (typeof init?.body !== 'string') return fetcher(input, init);
        const key = `${input}\n${scope}\n${init.body}`;
        let shared = pending.get(key);
        if (shared) {
          opts.onMerged?.(subgraph);
        } else {
          shared = (async () => {
            const res = await fetcher(input, init);
            return {
              status: res.status,
              statusText: res.statusText,
              headers: [...res.headers],
              body: await res.text(),
            };
          })();
          pending.set(key, shared);
          // Only while in flight: a later request gets a fresh answer.
          const forget = () => {
            if (pending.get(key) === shared) pending.delete(key);
          };
          shared.then(forget, forget);
        }
        const { body, ...meta } = await shared;
        return new Response(body, meta);
      };
    },
  };
}
