// The checks that run on a resolved operation before any subgraph is called: which operation
// runs, the limits, authorisation and the shared rate limit. Each refusal carries its HTTP status
// (docs/decisions/0013). The HTTP preflight already refused over-limit documents before
// validation; this runs on the validated document, in the router's Apollo plugin and on the direct
// path (direct-fetch.ts) alike.
import type { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { Logger } from '@sport-venue/shared';
import type { LimitsCache } from './limits-cache.ts';
import type { createRateLimiter } from './rate-limit.ts';
import type { RouterContext } from './gateway.ts';
import { checkAccess, type SecurityPolicy } from './security.ts';
import { clientError, guardStatus } from './statuses.ts';

export interface GuardedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode | undefined;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  context: RouterContext;
}

export function createOperationGuard(opts: {
  limits: LimitsCache;
  policy: () => SecurityPolicy;
  rateLimit: ReturnType<typeof createRateLimiter>;
  logger: Logger;
}) {
  /**
   * The request's rate-limit verdict, counted once per request however often it is asked for (a
   * request the direct path hands back to Apollo is guarded again and must not count twice).
   */
  function rateLimited(context: RouterContext): Promise<GraphQLError | null> {
    context.rateLimit ??= opts
      .rateLimit({ userId: context.viewer?.userId ?? null, ip: context.ip ?? 'unknown' })
      .catch((err: unknown) => {
        opts.logger.warn({ err: (err as Error).message }, 'rate limiter unavailable; serving without it');
        return null;
      });
    return context.rateLimit;
  }

  /** The refusal of the operation, or null when it may run. */
  return async function guard({
    schema,
    document,
    operation,
    operationName,
    variables,
    context,
  }: GuardedOperation): Promise<GraphQLError | null> {
    if (!operation) {
      return clientError(
        400,
        'OPERATION_RESOLUTION_FAILURE',
        operationName
          ? `the document has no operation named "${operationName}"`
          : 'the document has several operations: name the one to run in operationName',
      );
    }
    // Subscriptions are served over WebSocket; the router never reaches here with one of its
    // own (its internal queries are queries).
    if (operation.operation === 'subscription') {
      return clientError(
        400,
        'SUBSCRIPTION_REQUIRES_WEBSOCKET',
        'subscriptions are served over WebSocket (graphql-transport-ws) on /graphql, not over HTTP',
      );
    }
    const overLimit = opts.limits.checkOperation(schema, document, operation, variables);
    if (overLimit) return guardStatus(overLimit);
    const denied = checkAccess(schema, document, opts.policy(), context.viewer);
    if (denied) return guardStatus(denied);
    if (context.internal) return null;
    return rateLimited(context);
  };
}

export type OperationGuard = ReturnType<typeof createOperationGuard>;
