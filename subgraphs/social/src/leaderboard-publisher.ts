// Notifies the router that a board changed (Redis pub/sub, contract in docs/events.md). A burst of
// check-ins must not become a burst of router executions: per challenge at most one message per
// interval; a change inside the interval is sent once at its end, so the last change is never lost.
import type { RedisClient } from '@sport-venue/shared';
import { channels, encodeMessage } from '@sport-venue/shared';

export interface Coalescer {
  notify(key: string): void;
  /** Sends what is pending now and stops the timers. */
  flush(): Promise<void>;
}

export function createCoalescer(intervalMs: number, send: (key: string) => Promise<void> | void): Coalescer {
  const lastSent = new Map<string, number>();
  const pending = new Map<string, NodeJS.Timeout>();
  const fire = async (key: string) => {
    pending.delete(key);
    lastSent.set(key, Date.now());
    await send(key);
  };
  return {
    notify(key) {
      if (pending.has(key)) return;
      const wait = (lastSent.get(key) ?? -Infinity) + intervalMs - Date.now();
      if (wait <= 0) {
        void fire(key);
        return;
      }
      pending.set(
        key,
        setTimeout(() => void fire(key), wait),
      );
    },
    async flush() {
      const keys = [...pending.keys()];
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
      await Promise.all(keys.map((key) => send(key)));
    },
  };
}

export const leaderboardMessage = (challengeId: string, at = new Date()) =>
  encodeMessage(channels.pkLeaderboard, { v: 1, challengeId, at: at.toISOString() });

export function createLeaderboardPublisher(
  redis: RedisClient,
  pubsubPrefix: string,
  intervalMs: number,
  onError: (err: unknown) => void,
) {
  return createCoalescer(intervalMs, async (challengeId) => {
    // Fire-and-forget by contract: a lost message only delays a client until the next change.
    await redis
      .publish(channels.pkLeaderboard.name(pubsubPrefix, challengeId), leaderboardMessage(challengeId))
      .catch(onError);
  });
}

export type LeaderboardPublisher = Coalescer;
