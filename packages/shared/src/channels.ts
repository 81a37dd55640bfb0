// Redis pub/sub between the subgraphs (publishers) and the router (subscriber): every channel name
// and payload schema, written once. docs/events.md describes them for people. A deployment (or a
// test) puts the same PUBSUB_PREFIX in front of every channel in every process.
import { z } from 'zod';
import { OCCUPANCY_LEVELS } from './events.ts';

/** PUBSUB_PREFIX: one setting for publishers and the router, so their channel names cannot drift. */
export const pubsubPrefixSetting = z
  .string()
  .regex(/^[\w.:-]{0,100}$/, 'must be up to 100 letters, digits or . _ : -')
  .default('');

/**
 * Published by the venue subgraph after every headcount change; read by the router
 * (occupancyChanged) and the user subgraph (quiet alerts).
 */
export const occupancyMessageV1 = z.object({
  v: z.literal(1),
  venueId: z.string().min(1),
  currentCount: z.number().int().min(0),
  occupancyLevel: z.enum(OCCUPANCY_LEVELS).nullish(),
  /** When the count changed (ISO 8601, UTC). */
  at: z.string(),
  /**
   * Version of the venue's count: deliveries may overtake each other, keep the highest. Always sent
   * by the venue subgraph; optional on reading, as in the first producers of v1.
   */
  seq: z.number().int().optional(),
});
export type OccupancyMessageV1 = z.infer<typeof occupancyMessageV1>;

export const pkLeaderboardMessageV1 = z.object({
  v: z.literal(1),
  challengeId: z.string(),
  /** When the (coalesced) message was sent. */
  at: z.string(),
});
export type PkLeaderboardMessageV1 = z.infer<typeof pkLeaderboardMessageV1>;

interface Channel<S extends z.ZodType, K extends string> {
  /** The channel of one key (venue, challenge). */
  name(prefix: string, key: string): string;
  /** Every channel of this kind, for PSUBSCRIBE. */
  pattern(prefix: string): string;
  /** Which argument of the subscription field / payload field names the key. */
  keyField: K;
  schema: S;
}

function channel<S extends z.ZodType, K extends string>(base: string, keyField: K, schema: S): Channel<S, K> {
  return {
    name: (prefix, key) => `${prefix}${base}:${key}`,
    pattern: (prefix) => `${prefix}${base}:*`,
    keyField,
    schema,
  };
}

export const channels = {
  /** Publisher: venue subgraph, after every change of a headcount. */
  occupancy: channel('occupancy', 'venueId', occupancyMessageV1),
  /** Publisher: social subgraph, coalesced per challenge (docs/decisions/0010). */
  pkLeaderboard: channel('pk:leaderboard', 'challengeId', pkLeaderboardMessageV1),
} as const;

/** The payload of a channel as it goes on the wire (validated, so a producer cannot drift). */
export function encodeMessage<S extends z.ZodType>(ch: { schema: S }, message: z.input<S>): string {
  return JSON.stringify(ch.schema.parse(message));
}
