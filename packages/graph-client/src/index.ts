export {
  documentHash,
  persistedRequest,
  type PersistedDocument,
  type PersistedRequest,
} from './persisted.ts';
export {
  createSession,
  SessionExpiredError,
  type Session,
  type SessionListener,
  type SessionOptions,
  type Tokens,
  type TokenStorage,
} from './session.ts';
export { createGraphWsClient, type GraphWsOptions } from './ws.ts';
