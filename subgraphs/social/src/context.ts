import { identityFromRequest, requestInfo, type RequestInfo, type Viewer } from '@sport-venue/shared';
import type { IncomingMessage } from 'node:http';

export interface Context extends RequestInfo {
  /** The caller as the router vouches for it (x-sv-identity), or null when anonymous. */
  viewer: Viewer | null;
}

export async function createContext(req: IncomingMessage, identitySecret: string): Promise<Context> {
  return { ...requestInfo(req), viewer: await identityFromRequest(req, identitySecret) };
}
