import { z } from 'zod';

/**
 * Parses the environment against a schema. A misconfigured process must exit at start with one
 * line naming the setting, so the first issue is reported as `VAR: reason` and nothing else.
 */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, reason: string) {
    super(`invalid configuration: ${variable}: ${reason}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

export function parseConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const reason = env[variable] === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message;
  throw new ConfigError(variable, reason);
}

/** Like parseConfig, but prints the single line and exits: for process entry points. */
export function loadConfig<S extends z.ZodObject>(schema: S, env = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/** A TCP port; 0 asks the OS for a free one (tests). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const url = (fallback?: string, protocols?: string[]) => {
  const base = z.string().refine(
    (value) => {
      try {
        const parsed = new URL(value);
        return !protocols || protocols.includes(parsed.protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: protocols ? `must be a URL (${protocols.join(', ')})` : 'must be a URL' },
  );
  return fallback === undefined ? base : base.default(fallback);
};

export const brokerList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every((b) => /^[\w.-]+:\d+$/.test(b)), {
      message: 'must be a comma-separated list of host:port',
    });

/** A Kafka topic name (Kafka's own limit: 249 of letters, digits, `.`, `_` and `-`). */
export const topicName = (fallback: string) =>
  z
    .string()
    .regex(/^[\w.-]{1,249}$/, 'must be a Kafka topic name ([A-Za-z0-9._-])')
    .default(fallback);

/** A switch: true/false or 1/0. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** An integer in [min, max] (no upper bound without `max`): a count, or a duration in ms. */
export const intSetting = (fallback: number, min = 1, max?: number) => {
  const base = z.coerce.number().int().min(min);
  return (max === undefined ? base : base.max(max)).default(fallback);
};

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');
export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/**
 * Default addresses of the local services `infra/infra.sh` runs, following the same port variables
 * (MYSQL_PORT, REDIS_PORT, REDIS_CLUSTER_PORT, KAFKA_PORT, MONGO_PORT), so one set of variables moves the whole stack.
 */
export const localService = {
  mysql: (database: string) =>
    `mysql://${process.env.MYSQL_USER ?? 'sportvenue'}:${process.env.MYSQL_PASSWORD ?? 'sportvenue'}@127.0.0.1:${process.env.MYSQL_PORT ?? 3306}/${database}`,
  redis: () => `redis://127.0.0.1:${process.env.REDIS_PORT ?? 6379}`,
  /** The three masters `infra/redis-cluster.sh` runs from REDIS_CLUSTER_PORT on. */
  redisCluster: () => {
    const first = Number(process.env.REDIS_CLUSTER_PORT ?? 7100);
    return `redis+cluster://${[0, 1, 2].map((i) => `127.0.0.1:${first + i}`).join(',')}`;
  },
  kafka: () => `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`,
  mongo: (database: string) => `mongodb://127.0.0.1:${process.env.MONGO_PORT ?? 27017}/${database}`,
  opensearch: () => `http://127.0.0.1:${process.env.OPENSEARCH_PORT ?? 9200}`,
  prometheus: () => `http://127.0.0.1:${process.env.PROMETHEUS_PORT ?? 9090}`,
};

/** Settings every process shares; each service extends this with its own. */
export const baseConfig = z.object({
  NODE_ENV: nodeEnv,
  LOG_LEVEL: logLevel,
  /** `pretty` (readable lines) or `json`; by default pretty at a terminal outside production (logger.ts). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Interface to listen on; 0.0.0.0 inside containers, loopback everywhere else. */
  BIND_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
});

export { z };
