// Domain events on Kafka. Contracts between subgraphs: versioned, additive changes only; a new
// incompatible shape gets a new `v`. Documented in docs/events.md.
import { z } from 'zod';

export const TOPICS = {
  checkinEvents: 'checkin.events',
  bookingEvents: 'booking.events',
  pointsCommands: 'points.commands',
  venueEvents: 'venue.events',
} as const;

/**
 * `checkin.events`, key = userId (one user's events stay ordered on one partition).
 * Produced by the venue subgraph through its outbox; consumed by user (points, streaks) and social
 * (PK progress). Consumers dedupe by `id`.
 */
export const checkinEventV1 = z.object({
  v: z.literal(1),
  id: z.string().uuid(),
  type: z.enum(['CHECKED_IN', 'CHECKED_OUT']),
  userId: z.string(),
  venueId: z.string(),
  cityCode: z.string(),
  sessionId: z.string(),
  /** When it happened (ISO 8601, UTC). */
  at: z.string().datetime(),
  /** CHECKED_IN: whether it counts for points/streaks (one counted check-in per user and venue per 3 h). */
  counted: z.boolean().default(true),
  /** CHECKED_OUT: minutes present, capped by the venue's maximum stay. */
  minutes: z.number().int().min(0).optional(),
  /** CHECKED_OUT: EXPLICIT, AUTO (typical stay elapsed) or SUPERSEDED (checked in elsewhere). */
  reason: z.enum(['EXPLICIT', 'AUTO', 'SUPERSEDED']).optional(),
  source: z.enum(['GPS', 'QR', 'BOOKING']).default('GPS'),
});
export type CheckinEvent = z.infer<typeof checkinEventV1>;

/**
 * `points.commands`, key = userId. Anyone may ask the user subgraph's ledger for a points change;
 * the idempotency key makes each command apply at most once (e.g. `pk:{challengeId}:reward:{userId}`).
 */
export const pointsCommandV1 = z.object({
  v: z.literal(1),
  id: z.string().uuid(),
  userId: z.string(),
  kind: z.enum(['EARN', 'SPEND', 'ADJUST', 'REVERSAL']),
  delta: z.number().int(),
  reason: z.string().max(191),
  idempotencyKey: z.string().min(1).max(191),
  at: z.string().datetime(),
});
export type PointsCommand = z.infer<typeof pointsCommandV1>;

/** `booking.events`, key = venueId. */
export const bookingEventV1 = z.object({
  v: z.literal(1),
  id: z.string().uuid(),
  type: z.enum([
    'HELD',
    'CONFIRMED',
    'CANCELLED',
    'LATE_CANCELLED',
    'CHECKED_IN',
    'COMPLETED',
    'NO_SHOW',
    'EXPIRED',
  ]),
  bookingId: z.string(),
  slotId: z.string(),
  venueId: z.string(),
  userId: z.string(),
  slotStart: z.string().datetime(),
  slotEnd: z.string().datetime(),
  at: z.string().datetime(),
});
export type BookingEvent = z.infer<typeof bookingEventV1>;

// Redis pub/sub (live notifications, fire-and-forget; docs/events.md "Redis pub/sub").

/** Busyness levels, quietest first. */
export const OCCUPANCY_LEVELS = ['NOT_BUSY', 'A_LITTLE_BUSY', 'BUSY', 'VERY_BUSY'] as const;
export type OccupancyLevelName = (typeof OCCUPANCY_LEVELS)[number];

/**
 * `venue.events`, key = venueId. A venue was created or changed (catalogue data: name, address,
 * place, sports, capacity, hours). Each event carries the whole venue as it is after the change
 * (`venue`), so a consumer needs no other source and can apply events idempotently: `version`
 * (the venue's updatedAt in epoch ms) orders them, an older one never overwrites a newer one.
 * `changes` names what changed (e.g. `openingHours`, `capacity`) for consumers that care.
 */
export const venueEventV1 = z.object({
  v: z.literal(1),
  id: z.string().uuid(),
  type: z.enum(['CREATED', 'UPDATED']),
  venueId: z.string(),
  changes: z.array(z.string()),
  at: z.string().datetime(),
  venue: z.object({
    cityCode: z.string(),
    cityName: z.string(),
    name: z.string(),
    address: z.string(),
    lat: z.number(),
    lng: z.number(),
    sports: z.array(z.string()),
    capacity: z.number().int().nullable(),
    timeZone: z.string(),
    /** ISO weekday "1".."7" -> [[openMinute, closeMinute)] in local time (closeMinute may pass 1440). */
    openingHours: z.record(z.string(), z.array(z.tuple([z.number().int(), z.number().int()]))),
    version: z.number().int(),
  }),
});
export type VenueEvent = z.infer<typeof venueEventV1>;

/** A Kafka record's value checked against an event schema (a value that is not JSON fails too). */
export function decodeEvent<T extends z.ZodType>(schema: T, value: Buffer | null | undefined) {
  let json: unknown = null;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    // not JSON: the schema refuses null
  }
  return schema.safeParse(json) as z.ZodSafeParseResult<z.output<T>>;
}
