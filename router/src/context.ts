import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { requestInfo } from '@sport-venue/shared';
import { AuthenticationError, authError, bearerToken, type Authenticate } from './auth.ts';
import type { RouterContext } from './gateway.ts';

/** Builds the operation context from an HTTP request: request id and the verified caller. */
export function httpContext(authenticate: Authenticate) {
  return async (req: IncomingMessage): Promise<RouterContext> => {
    const info = { ...requestInfo(req), ip: req.socket.remoteAddress ?? 'unknown' };
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

/**
 * A bad token is refused as UNAUTHENTICATED (HTTP 401) rather than silently treated as anonymous,
 * so a client with an expired token knows to refresh it.
 */
export const rejectBadTokens: ApolloServerPlugin<RouterContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue }) {
        if (contextValue.authError) {
          const error = authError(contextValue.authError);
          error.extensions.http = { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) };
          throw error;
        }
      },
    };
  },
};
