import {
  baseConfig,
  identitySecret,
  port,
  rejectDevSecretInProduction,
  url,
  z,
  localService,
  booleanFlag,
  pubsubPrefixSetting,
  redisUrlSetting,
} from '@sport-venue/shared';

export const routerConfigSchema = baseConfig
  .extend({
    ROUTER_PORT: port(4000),
    SUPERGRAPH_PATH: z.string().optional(),
    /** How often the supergraph file is checked for a new composition (hot reload). */
    SUPERGRAPH_POLL_MS: z.coerce.number().int().min(100).default(2_000),
    // Unset means "use the routing URL composed into the supergraph".
    USER_SUBGRAPH_URL: url().optional(),
    VENUE_SUBGRAPH_URL: url().optional(),
    SOCIAL_SUBGRAPH_URL: url().optional(),
    PREDICTION_SUBGRAPH_URL: url().optional(),
    /** Identical in-flight query fetches of one caller scope share one subgraph request (fetch-dedup.ts). */
    SUBGRAPH_FETCH_DEDUP: booleanFlag(true),
    /**
     * Operations whose query plan is one fetch that is the whole response are sent by the router
     * itself, without the gateway's executor (direct-fetch.ts, docs/decisions/0034).
     */
    ROUTER_DIRECT_FETCHES: booleanFlag(true),
    SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    USER_JWKS_URL: url('http://127.0.0.1:4001/.well-known/jwks.json', ['http', 'https']),
    JWT_ISSUER: z.string().min(1).default('sport-venue-user'),
    JWT_AUDIENCE: z.string().min(1).default('sport-venue'),
    /** Minimum time between JWKS refetches triggered by an unknown kid. */
    JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(10_000),
    INTERNAL_IDENTITY_SECRET: identitySecret,
    REDIS_URL: redisUrlSetting(localService.redis()),
    /** Prefix of pub/sub channel names, the same in every process (tests isolate themselves with it). */
    PUBSUB_PREFIX: pubsubPrefixSetting,
    MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(1_000).default(50),
    MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(5_000),
    MAX_QUERY_DEPTH: z.coerce.number().int().min(2).default(12),
    /** The standard introspection query (getIntrospectionQuery) is 15 deep. */
    MAX_INTROSPECTION_DEPTH: z.coerce.number().int().min(2).default(15),
    MAX_ALIASES: z.coerce.number().int().min(0).default(30),
    MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
    MAX_FIELD_REPEATS: z.coerce.number().int().min(1).default(20),
    MAX_QUERY_COST: z.coerce.number().int().min(10).default(5_000),
    DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).default(20),
    MAX_BATCH_OPERATIONS: z.coerce.number().int().min(1).max(100).default(10),
    MAX_BODY_BYTES: z.coerce.number().int().min(1_000).default(200_000),
    RATE_LIMIT_PER_USER_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
    MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(10),
    /** How long a socket's slot outlives a router replica that died without closing it (socket-slots.ts). */
    WS_SOCKET_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    // Unsent bytes a WebSocket may hold before it is closed as a slow consumer (socket-sink.ts).
    WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(16_384).max(67_108_864).default(524_288),
    WS_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** Browser origins CORS lets in (the console's), comma-separated; every other origin is refused. */
    CORS_ORIGINS: z
      .string()
      .default('http://127.0.0.1:4020,http://localhost:4020,http://127.0.0.1:4021,http://localhost:4021')
      .refine((v) => v.split(',').every((o) => o.trim() === '' || /^https?:\/\/[^/\s]+$/.test(o.trim())), {
        message: 'a comma-separated list of origins such as https://console.example.com',
      }),
    /** `enforce`: only documents of the clients' manifests run (default in production); `off`: anything. */
    TRUSTED_DOCUMENTS: z.enum(['enforce', 'off']).optional(),
  })
  .superRefine(rejectDevSecretInProduction);

export type RouterConfig = z.infer<typeof routerConfigSchema>;

export function subgraphUrlOverrides(config: RouterConfig): Record<string, string | undefined> {
  return {
    user: config.USER_SUBGRAPH_URL,
    venue: config.VENUE_SUBGRAPH_URL,
    social: config.SOCIAL_SUBGRAPH_URL,
    prediction: config.PREDICTION_SUBGRAPH_URL,
  };
}
