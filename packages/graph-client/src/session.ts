// Access/refresh token handling shared by the console and the mini-program. Framework-free: the
// client supplies where tokens are kept (localStorage, wx storage) and how a refresh is performed
// (its own generated refreshToken mutation).

export interface Tokens {
  accessToken: string;
  /** ISO 8601. */
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface TokenStorage {
  load(): Tokens | null | Promise<Tokens | null>;
  save(tokens: Tokens): void | Promise<void>;
  clear(): void | Promise<void>;
}

/** Thrown by `refresh` when the server refused the refresh token (expired, reused, revoked). */
export class SessionExpiredError extends Error {
  constructor(message = 'the session has expired') {
    super(message);
    this.name = 'SessionExpiredError';
  }
}

export interface SessionOptions {
  storage: TokenStorage;
  /** Exchanges a refresh token for a new pair; throw SessionExpiredError when it was refused. */
  refresh: (refreshToken: string) => Promise<Tokens>;
  /** Refresh this long before the access token expires (clock skew, request time). */
  marginMs?: number;
  now?: () => number;
}

export type SessionListener = (tokens: Tokens | null) => void;

export interface Session {
  /** A usable access token (refreshed when close to expiry), or null when logged out/expired. */
  accessToken(): Promise<string | null>;
  /** Refresh now, e.g. after the server answered UNAUTHENTICATED; null when the session is gone. */
  forceRefresh(): Promise<string | null>;
  signIn(tokens: Tokens): Promise<void>;
  signOut(): Promise<Tokens | null>;
  current(): Promise<Tokens | null>;
  subscribe(listener: SessionListener): () => void;
}

export function createSession(options: SessionOptions): Session {
  const margin = options.marginMs ?? 30_000;
  const now = options.now ?? Date.now;
  const listeners = new Set<SessionListener>();
  let cached: Tokens | null | undefined;
  // Refresh tokens are single use: concurrent callers must share one refresh, or all but the
  // first would present a spent token and end the session.
  let inflight: Promise<string | null> | null = null;

  const load = async () => {
    if (cached === undefined) cached = (await options.storage.load()) ?? null;
    return cached;
  };
  const set = async (tokens: Tokens | null) => {
    cached = tokens;
    if (tokens) await options.storage.save(tokens);
    else await options.storage.clear();
    for (const listener of listeners) listener(tokens);
  };

  const refreshNow = (): Promise<string | null> => {
    inflight ??= (async () => {
      const tokens = await load();
      if (!tokens || Date.parse(tokens.refreshTokenExpiresAt) <= now()) {
        if (tokens) await set(null);
        return null;
      }
      try {
        const next = await options.refresh(tokens.refreshToken);
        await set(next);
        return next.accessToken;
      } catch (err) {
        if (err instanceof SessionExpiredError) {
          await set(null);
          return null;
        }
        throw err; // network trouble: keep the session, the caller may retry
      }
    })().finally(() => {
      inflight = null;
    });
    return inflight;
  };

  return {
    async accessToken() {
      const tokens = await load();
      if (!tokens) return null;
      if (Date.parse(tokens.accessTokenExpiresAt) - margin > now()) return tokens.accessToken;
      return refreshNow();
    },
    forceRefresh: refreshNow,
    signIn: (tokens) => set(tokens),
    async signOut() {
      const tokens = await load();
      await set(null);
      return tokens;
    },
    current: load,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
