// One way to reach Redis, a single node or a Redis Cluster (docs/decisions/0012). Stores take
// `RedisClient`, the ioredis command interface both kinds share, so none of them knows which one
// it runs on; what differs (slots, SCAN per node) is handled here.
import { Cluster, Redis, type ChainableCommander, type ClusterNode, type RedisOptions } from 'ioredis';
import { z } from 'zod';

export type RedisClient = Redis | Cluster;

const CLUSTER_SCHEME = 'redis+cluster:';

export type RedisTarget =
  | { kind: 'node'; url: string; keyPrefix?: string }
  | { kind: 'cluster'; nodes: ClusterNode[]; username?: string; password?: string; keyPrefix?: string };

/**
 * `redis://[user:pass@]host:port[/db]` (a single node; `rediss://` for TLS) or
 * `redis+cluster://[user:pass@]h1:p1,h2:p2,…` (seed nodes of a cluster; no database number).
 * Either may end in `?keyPrefix=…`, prepended to every key (tests isolate by it on a cluster,
 * which has no logical databases).
 */
export function parseRedisUrl(value: string): RedisTarget {
  const query = value.indexOf('?');
  const params = new URLSearchParams(query >= 0 ? value.slice(query + 1) : '');
  const keyPrefix = params.get('keyPrefix') ?? undefined;
  const bare = query >= 0 ? value.slice(0, query) : value;
  if (!bare.startsWith(`${CLUSTER_SCHEME}//`)) {
    const parsed = new URL(bare);
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error('unsupported scheme');
    return { kind: 'node', url: bare, keyPrefix };
  }
  let rest = bare.slice(CLUSTER_SCHEME.length + 2).replace(/\/$/, '');
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const [user, pass] = rest.slice(0, at).split(':');
    username = user ? decodeURIComponent(user) : undefined;
    password = pass === undefined ? undefined : decodeURIComponent(pass);
    rest = rest.slice(at + 1);
  }
  if (rest.includes('/')) throw new Error('a cluster has no database number');
  const nodes = rest.split(',').map((hostPort) => {
    const m = /^([^:,]+):(\d{1,5})$/.exec(hostPort.trim());
    if (!m) throw new Error(`node "${hostPort}" is not host:port`);
    return { host: m[1]!, port: Number(m[2]) };
  });
  return { kind: 'cluster', nodes, username, password, keyPrefix };
}

/** Config setting for REDIS_URL: either form above, checked at start. */
export const redisUrlSetting = (fallback: string) =>
  z
    .string()
    .refine(
      (value) => {
        try {
          parseRedisUrl(value);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be redis://host:port[/db] or redis+cluster://host:port,host:port,…' },
    )
    .default(fallback);

/**
 * One place that knows how Redis is reached, so every process gets the same timeouts and retry
 * policy: commands issued while (re)connecting wait briefly, then fail instead of queueing forever
 * (readiness and resolvers must see an outage).
 */
export function createRedis(url: string, options: RedisOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  const nodeOptions: RedisOptions = {
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
    ...options,
  };
  if (target.kind === 'node') {
    return new Redis(target.url, {
      ...nodeOptions,
      ...(target.keyPrefix ? { keyPrefix: target.keyPrefix } : {}),
    });
  }
  const { keyPrefix, lazyConnect, enableAutoPipelining, ...redisOptions } = nodeOptions;
  return new Cluster(target.nodes, {
    redisOptions: { ...redisOptions, username: target.username, password: target.password },
    keyPrefix: target.keyPrefix ?? keyPrefix,
    lazyConnect,
    // A cluster client pipelines per node: commands of one turn for one node's slots go together.
    enableAutoPipelining,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // Learning the slot map takes a fresh connection: 1 s (the default) is too short on a busy host.
    slotsRefreshTimeout: 5_000,
    // A moved slot or a node that is failing over answers with a redirect: follow it.
    maxRedirections: 16,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
  });
}

export const isCluster = (redis: RedisClient): redis is Cluster => redis instanceof Cluster;

/** Waits until the client is connected (a cluster: until it has learned the slot map). */
export async function redisReady(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      redis.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      if (redis.status === 'end') {
        redis.off('ready', onReady);
        reject(err);
      }
    };
    redis.once('ready', onReady);
    redis.on('error', onError);
  });
}

// CRC16/XMODEM as Redis Cluster uses it for slots.
const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc;
}

/** The cluster slot of a key (its hash tag `{…}` if it has a non-empty one). */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(key, 'utf8')) % 16_384;
}

/** A stable shard number 0 … shards−1 of a member of a global set (for `{s:N}` keys). */
export function shardOf(member: string, shards: number): number {
  return crc16(Buffer.from(member, 'utf8')) % shards;
}

/**
 * MGET over keys of many owners: one MGET per slot on a cluster (all sent at once), one MGET on
 * a single node; values come back in the order of `keys`. Slots are computed on the full key
 * (with the client's keyPrefix, which carries no braces and so never changes a tagged slot).
 */
export async function mgetBySlot(redis: RedisClient, keys: readonly string[]): Promise<Array<string | null>> {
  if (keys.length === 0) return [];
  if (!isCluster(redis)) return redis.mget(...keys);
  const prefix = redis.options.keyPrefix ?? '';
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = keySlot(prefix + key);
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  });
  const out = new Array<string | null>(keys.length).fill(null);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const values = await redis.mget(...indexes.map((i) => keys[i]!));
      indexes.forEach((index, j) => (out[index] = values[j] ?? null));
    }),
  );
  return out;
}

/**
 * Writes to keys of many owners in as few round trips as the topology allows: one pipeline on a
 * single node, one per slot on a cluster (a cluster pipeline must stay within one slot's node).
 * Each entry names the key it touches and queues its commands; the first error is thrown.
 */
export async function pipelineBySlot(
  redis: RedisClient,
  entries: ReadonlyArray<{ key: string; queue: (pipeline: ChainableCommander) => void }>,
): Promise<void> {
  if (entries.length === 0) return;
  const prefix = redis.options.keyPrefix ?? '';
  const groups = new Map<number, Array<(typeof entries)[number]>>();
  for (const entry of entries) {
    const slot = isCluster(redis) ? keySlot(prefix + entry.key) : 0;
    const group = groups.get(slot);
    if (group) group.push(entry);
    else groups.set(slot, [entry]);
  }
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const pipeline = redis.pipeline();
      for (const entry of group) entry.queue(pipeline);
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    }),
  );
}

/**
 * Reads one key of each of many owners in as few round trips as the topology allows: one pipeline
 * on a single node, one per slot on a cluster (all sent at once). `read` queues the one command
 * for a key; replies come back in the order of `keys`, and the first error is thrown.
 */
export async function readBySlot(
  redis: RedisClient,
  keys: readonly string[],
  read: (pipeline: ChainableCommander, key: string) => void,
): Promise<unknown[]> {
  if (keys.length === 0) return [];
  const prefix = redis.options.keyPrefix ?? '';
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = isCluster(redis) ? keySlot(prefix + key) : 0;
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  });
  const out = new Array<unknown>(keys.length).fill(null);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const pipeline = redis.pipeline();
      for (const i of indexes) read(pipeline, keys[i]!);
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([err, reply], j) => {
        if (err) throw err;
        out[indexes[j]!] = reply;
      });
    }),
  );
  return out;
}

/**
 * Runs the commands `queue` puts on a pipeline in as few round trips as the topology allows: one
 * pipeline on a single node, one per slot on a cluster (all sent at once). Every queued command must
 * take its one key as the first argument (GET, HMGET, ZSCORE, ZREVRANGE, …). Replies come back in
 * the order the commands were queued; the first error is thrown.
 */
export async function execBySlot(
  redis: RedisClient,
  queue: (pipeline: ChainableCommander) => void,
): Promise<unknown[]> {
  const calls: Array<{ method: string; args: unknown[] }> = [];
  // Records the calls instead of sending them, so they can be split by slot afterwards.
  const recorder: ChainableCommander = new Proxy({} as ChainableCommander, {
    get:
      (_target, method) =>
      (...args: unknown[]) => {
        calls.push({ method: String(method), args });
        return recorder;
      },
  });
  queue(recorder);
  if (calls.length === 0) return [];
  const prefix = redis.options.keyPrefix ?? '';
  const groups = new Map<number, number[]>();
  calls.forEach(({ args }, i) => {
    const slot = isCluster(redis) ? keySlot(prefix + String(args[0])) : 0;
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  });
  const out = new Array<unknown>(calls.length).fill(null);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const pipeline = redis.pipeline() as unknown as Record<string, (...args: unknown[]) => unknown>;
      for (const i of indexes) pipeline[calls[i]!.method]!(...calls[i]!.args);
      const replies = (await (pipeline as unknown as ChainableCommander).exec()) ?? [];
      replies.forEach(([err, reply], j) => {
        if (err) throw err;
        out[indexes[j]!] = reply;
      });
    }),
  );
  return out;
}

/** Every key matching `pattern` (SCAN on each master of a cluster). Keys come back without keyPrefix. */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const prefix = redis.options.keyPrefix ?? '';
  const nodes: Redis[] = isCluster(redis) ? redis.nodes('master') : [redis];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      // SCAN's MATCH is not prefixed by ioredis; the node connections of a cluster have no prefix.
      const [next, batch] = await node.scan(cursor, 'MATCH', prefix + pattern, 'COUNT', 1_000);
      for (const key of batch) keys.push(key.slice(prefix.length));
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}
