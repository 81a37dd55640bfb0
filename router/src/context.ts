import type { IncomingMessage } from 'node:http';
import { Kind, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import { requestInfo } from '@sport-venue/shared';
import { AuthenticationError, authError, bearerToken, type Authenticate } from './auth.ts';
import type { RouterContext } from './gateway.ts';

/** The client address per-IP rate limits count against (HTTP requests and WebSocket upgrades alike). */
export const clientIp = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

/** Builds the operation context from an HTTP request: request id and the verified caller. */
export function httpContext(authenticate: Authenticate) {
  return async (req: IncomingMessage): Promise<RouterContext> => {
    const info = { ...requestInfo(req), ip: clientIp(req) };
    try {
      const token = bearerToken(req.headers.authorization);
      if (!token) return { ...info, viewer: null, authError: null };
      const { viewer } = await authenticate(token);
      return { ...info, viewer, authError: null };
    } catch (err) {
      if (err instanceof AuthenticationError) return { ...info, viewer: null, authError: err };
      throw err;
    }
  };
}

/** Operations a client with an expired (or no) access token must still be able to run. */
const SESSION_FIELDS = new Set(['loginWithWeChat', 'loginWithPassword', 'refreshToken', 'logout']);

/**
 * A bad token is refused as UNAUTHENTICATED (HTTP 401) rather than silently treated as anonymous,
 * so a client with an expired token knows to refresh it. Login, refresh and logout still run
 * (anonymously), since mini-program clients tend to attach the stale token to every request.
 * Returns the refusal, or null when the operation may run.
 */
export function badTokenRefusal(
  contextValue: RouterContext,
  operation: OperationDefinitionNode | undefined,
): GraphQLError | null {
  if (!contextValue.authError) return null;
  const sessionOnly =
    operation?.operation === 'mutation' &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && SESSION_FIELDS.has(s.name.value));
  // Such a context was built without a viewer (httpContext): the session mutation runs anonymously.
  if (sessionOnly) return null;
  const error = authError(contextValue.authError);
  error.extensions.http = { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) };
  return error;
}
