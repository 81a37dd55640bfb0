// Merging of identical in-flight subgraph fetches. Under load many clients ask the same thing at
// once (the venue list of a city, a popular venue's page): while one fetch of a document with the
// same variables, to the same subgraph, on behalf of the same authorisation scope is on its way,
// later ones wait for its answer instead of sending their own. Waiters share the answer's text
// and each parses its own copy: the gateway merges entity results into the objects it was given,
// so sharing parsed objects would leak one request's tree into another's.
//
// What is NOT part of the key: the per-request headers (x-request-id, traceparent, the identity
// header's signature and expiry). What IS: the subgraph URL, the exact request body (document,
// variables, operation name) and the caller's authorisation scope (user, roles, operated venues),
// so a fetch is only ever shared between requests that would have received the same answer.
// Only fetches of query operations are sent through here (never a mutation's).
import type { Viewer } from '@sport-venue/shared';
import type { SubgraphAnswer, SubgraphSend } from './subgraph-transport.ts';

/** The part of the caller that decides what a subgraph answers: stable across their requests. */
export function authorisationScope(viewer: Viewer | null): string {
  if (!viewer) return 'anonymous';
  return JSON.stringify([viewer.userId, [...viewer.roles].sort(), [...viewer.venueIds].sort()]);
}

export interface FetchDedup {
  /**
   * Sends a query's fetch through `send`, or waits for the identical one (same URL, body and
   * `scope`) already in flight and shares its answer. Callers parse the answer's text themselves.
   */
  send(
    send: SubgraphSend,
    subgraph: string,
    url: URL,
    headers: Record<string, string>,
    body: string,
    scope: string,
  ): Promise<SubgraphAnswer>;
  /** Fetches in flight now (tests, diagnostics). */
  inFlight(): number;
}

export function createFetchDedup(opts: { onMerged?: (subgraph: string) => void } = {}): FetchDedup {
  const pending = new Map<string, Promise<SubgraphAnswer>>();
  return {
    inFlight: () => pending.size,
    send(send, subgraph, url, headers, body, scope) {
      const key = `${url.href}\n${scope}\n${body}`;
      const shared = pending.get(key);
      if (shared) {
        opts.onMerged?.(subgraph);
        return shared;
      }
      const answer = send(url, headers, body);
      pending.set(key, answer);
      // Only while in flight: a later request gets a fresh answer.
      const forget = () => {
        if (pending.get(key) === answer) pending.delete(key);
      };
      answer.then(forget, forget);
      return answer;
    },
  };
}
