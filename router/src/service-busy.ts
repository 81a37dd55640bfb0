// A subgraph that sheds load answers SERVICE_BUSY (with HTTP 200, like every subgraph error, to
// the router). The client must see what it is: HTTP 503 with Retry-After, so clients and proxies
// back off and retry instead of treating it as a failure of the request itself.
import type { GraphQLResponse } from '@apollo/server';
import { ErrorCode } from '@sport-venue/shared';

/** Turns a response carrying SERVICE_BUSY or SERVICE_UNAVAILABLE into HTTP 503 with Retry-After. */
export function applyServiceBusyStatus(response: GraphQLResponse): void {
  if (response.body.kind !== 'single') return;
  const errors = response.body.singleResult.errors;
  if (!errors) return;
  const busy = errors.filter(
    // SERVICE_UNAVAILABLE: a subgraph's data shard is down (docs/decisions/0021).
    (e) =>
      e.extensions?.code === ErrorCode.SERVICE_BUSY || e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE,
  );
  if (busy.length === 0) return;
  const seconds = Math.max(1, ...busy.map((e) => Number(e.extensions?.retryAfterSeconds) || 1));
  response.http.status = 503;
  response.http.headers.set('retry-after', String(Math.ceil(seconds)));
}
