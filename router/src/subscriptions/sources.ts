// Where each subscription root field gets its events: a Redis pub/sub channel per key, with a
// versioned JSON payload (docs/events.md is the contract). Events carry keys and changed values;
// anything else a subscriber selects is resolved through the graph.
import { z } from 'zod';
import type { RootFetch } from './entity-fetch.ts';

export interface EventSource {
  channel(args: Record<string, unknown>): string;
  /** When set, the root value is not the payload but fetched through the graph (see RootFetch). */
  rootFetch?: RootFetch;
  /**
   * Events only say "changed" and the state is fetched: while one executes, later ones collapse
   * into one. Without it every event is executed and delivered, in order.
   */
  coalesce?: boolean;
  /** Validates a message; null drops it (wrong version or malformed). */
  decode(raw: unknown): Record<string, unknown> | null;
}

const occupancyV1 = z.object({
  v: z.literal(1),
  venueId: z.string(),
  currentCount: z.number().int().min(0),
  occupancyLevel: z.string().nullish(),
  at: z.string(),
  /** Rises per venue; pub/sub may reorder, so an older value never overwrites a newer one. */
  seq: z.number().int().optional(),
});

const leaderboardV1 = z.object({
  v: z.literal(1),
  challengeId: z.string(),
  at: z.string(),
});

const decoder =
  <S extends z.ZodType>(schema: S) =>
  (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    return parsed.success ? (parsed.data as Record<string, unknown>) : null;
  };

export function eventSources(prefix = ''): Record<string, EventSource> {
  return {
    occupancyChanged: {
      channel: (args) => `${prefix}occupancy:${String(args.venueId)}`,
      decode: decoder(occupancyV1),
    },
    pkLeaderboardChanged: {
      channel: (args) => `${prefix}pk:leaderboard:${String(args.challengeId)}`,
      // The event only says "this board changed"; the board is `challenge(id) { leaderboard }`.
      rootFetch: { query: 'challenge', idFrom: 'challengeId', field: 'leaderboard' },
      coalesce: true,
      decode: decoder(leaderboardV1),
    },
  };
}
