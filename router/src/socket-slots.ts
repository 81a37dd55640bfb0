// Per-user WebSocket slots shared by every router replica (docs/decisions/0022): a user may hold
// MAX_SOCKETS_PER_USER sockets in total, whichever replicas the balancer sent them to. Each open
// socket is a lease in the user's own sorted set `ws:sockets:{u:<id>}` (one owner, one slot on Redis
// Cluster: docs/decisions/0012), member = `<router instance>:<socket>`, score = when the lease ends
// (Redis' clock, so replicas' clocks do not matter). A replica renews its leases every third of the
// lease time and removes a lease when its socket closes; a replica that dies stops renewing, and its
// sockets' slots free themselves when their leases end. Counting and granting is one script per
// user, so two replicas can never both grant the last slot.
import { randomUUID } from 'node:crypto';
import type { Logger, RedisClient } from '@sport-venue/shared';

export const socketSlotKey = (userId: string) => `ws:sockets:{u:${userId}}`;

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;
// KEYS[1]: the user's slots; ARGV: max, lease (ms), member. 1 granted, 0 refused.
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1
`;
// KEYS[1]: the user's slots; ARGV: lease (ms), members. A lease that already ended (the replica
// stalled longer than the lease) is written again: its socket is open, so it counts.
const RENEW = `${NOW}
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + lease, ARGV[i]) end
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return #ARGV - 1
`;

interface WithSlotCommands {
  socketSlotAcquire(numKeys: 1, key: string, max: number, leaseMs: number, member: string): Promise<number>;
  socketSlotRenew(numKeys: 1, key: string, leaseMs: number, ...members: string[]): Promise<number>;
}

export interface SocketSlotOptions {
  maxPerUser: number;
  /** How long a socket's slot outlives the last renewal of a replica that stopped (crashed). */
  leaseMs: number;
  logger: Logger;
}

/** A granted slot; `release` frees it (idempotent). */
export interface SocketSlot {
  release(): void;
}

export type SocketSlots = ReturnType<typeof createSocketSlots>;

export function createSocketSlots(redis: RedisClient, opts: SocketSlotOptions) {
  // ioredis runs a defined command with EVALSHA and falls back to EVAL when Redis lacks the script.
  redis.defineCommand('socketSlotAcquire', { lua: ACQUIRE });
  redis.defineCommand('socketSlotRenew', { lua: RENEW });
  const client = redis as RedisClient & WithSlotCommands;
  const instance = randomUUID();
  let next = 0;
  /** userId → members this replica holds. */
  const held = new Map<string, Set<string>>();
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const renewAll = async () => {
    await Promise.all(
      [...held].map(([userId, members]) =>
        members.size === 0
          ? null
          : client.socketSlotRenew(1, socketSlotKey(userId), opts.leaseMs, ...members).catch((err: Error) => {
              opts.logger.warn({ err: err.message }, 'socket slots: renewal failed; retrying next beat');
            }),
      ),
    );
  };
  const heartbeat = setInterval(() => track(renewAll()), Math.max(100, Math.floor(opts.leaseMs / 3)));
  heartbeat.unref();

  return {
    /** A slot for one more socket of the user, or null when the user holds the maximum. */
    async acquire(userId: string): Promise<SocketSlot | null> {
      const member = `${instance}:${(next += 1)}`;
      const mine = held.get(userId) ?? new Set<string>();
      try {
        const granted = await client.socketSlotAcquire(
          1,
          socketSlotKey(userId),
          opts.maxPerUser,
          opts.leaseMs,
          member,
        );
        if (granted !== 1) return null;
      } catch (err) {
        // Without Redis the replica still caps what it holds itself; the heartbeat writes the lease
        // once Redis answers again.
        opts.logger.warn(
          { err: (err as Error).message },
          'socket slots unavailable; limiting this replica’s own sockets',
        );
        if (mine.size >= opts.maxPerUser) return null;
      }
      mine.add(member);
      held.set(userId, mine);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          mine.delete(member);
          if (mine.size === 0 && held.get(userId) === mine) held.delete(userId);
          track(
            redis.zrem(socketSlotKey(userId), member).catch((err: Error) => {
              // The lease ends by itself within leaseMs.
              opts.logger.warn({ err: err.message }, 'socket slots: release failed; the lease will end');
            }),
          );
        },
      };
    },
    /** Sockets this replica holds a slot for (all users). */
    held: () => [...held.values()].reduce((n, s) => n + s.size, 0),
    /** Stops renewing; waits for releases in flight (call after the sockets are closed). */
    async close() {
      clearInterval(heartbeat);
      await Promise.allSettled([...pending]);
    },
  };
}
