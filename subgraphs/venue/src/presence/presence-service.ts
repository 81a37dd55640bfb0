// Check-in and check-out: validation against the venue, the user step in Redis that decides, the
// venue steps that apply it to the venues' live state, then durability (session rows + outbox in
// MariaDB) and the live occupancy message. docs/decisions/0006 and 0012 explain the order.
import {
  badInput,
  childTraceparent,
  requireViewer,
  type Logger,
  type TraceContext,
  type Viewer,
} from '@sport-venue/shared';
import { assertAccuracy, assertIdempotencyKey, sessionExpiry, type PresenceRules } from './check-in-rules.ts';
import type { Clock } from '../clock.ts';
import { assertCoordinates, checkGeofence } from '../catalog/geo.ts';
import { heatWeight } from '../occupancy/heat.ts';
import { localParts } from '../local-time.ts';
import type { OccupancyPublisher } from '../occupancy/occupancy-publisher.ts';
import { closesAt, readOpeningHours } from '../catalog/opening-hours.ts';
import type {
  CheckInCommand,
  EndReason,
  PendingChange,
  PresenceChange,
  PresenceOutcome,
  PresenceStore,
  SessionFacts,
} from './presence-store.ts';
import type { PresenceWriter } from './presence-writer.ts';
import type { VenueCatalog } from '../catalog/venue-catalog.ts';
import {
  alreadyCheckedIn,
  implausibleTravel,
  locationTooInaccurate,
  notCheckedIn,
  outsideGeofence,
  rateLimited,
  venueClosed,
  venueNotFound,
} from '../catalog/venue-errors.ts';
import { parseVenueId } from '../catalog/venue-store.ts';

/** A presence session as the API shows it. */
export interface SessionView {
  id: string;
  venueId: string;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  minutes: number | null;
  endReason: EndReason | null;
  counted: boolean;
}

export interface CheckInArgs {
  venueId: string;
  lat: number;
  lng: number;
  accuracyM: number;
  idempotencyKey: string;
}

export interface PresenceServiceDeps {
  store: PresenceStore;
  /** Makes changes durable in MariaDB (session rows + outbox), group-committed per shard. */
  writer: Pick<PresenceWriter, 'persist'>;
  venues: VenueCatalog;
  publisher: OccupancyPublisher;
  /** Nudged after every outbox write (with the rows' venues) so events leave promptly. */
  relay: { wake(venueIds?: readonly string[]): void };
  clock: Clock;
  rules: PresenceRules;
  logger: Logger;
}

/** The facts a view needs: an open session (from Redis) lacks the ending ones, which read null. */
type SessionViewFacts = Pick<SessionFacts, 'sessionId' | 'venueId' | 'startedAt' | 'expiresAt' | 'counted'> &
  Partial<Pick<SessionFacts, 'endedAt' | 'minutes' | 'reason'>>;

export function sessionView(s: SessionViewFacts): SessionView {
  return {
    id: s.sessionId,
    venueId: s.venueId,
    startedAt: new Date(s.startedAt),
    expiresAt: new Date(s.expiresAt),
    endedAt: s.endedAt === undefined ? null : new Date(s.endedAt),
    minutes: s.minutes ?? null,
    endReason: s.reason ?? null,
    counted: s.counted,
  };
}

function rejection(outcome: Extract<PresenceOutcome, { ok: false }>): Error {
  switch (outcome.code) {
    case 'ALREADY_CHECKED_IN':
      return alreadyCheckedIn(outcome.sessionId);
    case 'RATE_LIMITED':
      return rateLimited(outcome.retryAfterMs);
    case 'IMPLAUSIBLE_TRAVEL':
      return implausibleTravel(outcome.distanceM);
    case 'NOT_CHECKED_IN':
    case 'NOT_DUE':
      return notCheckedIn();
  }
}

export class PresenceService {
  readonly #d: PresenceServiceDeps;

  constructor(deps: PresenceServiceDeps) {
    this.#d = deps;
  }

  /** `trace`: the request's span; the events it causes carry it to Kafka. */
  async checkIn(viewer: Viewer | null, input: CheckInArgs, trace?: TraceContext) {
    const { userId } = requireViewer(viewer);
    assertCoordinates(input);
    assertAccuracy(input.accuracyM);
    assertIdempotencyKey(input.idempotencyKey);

    // A repeated request answers what the first one did, even if the rules would now refuse it.
    const venueRead = parseVenueId(input.venueId) ? this.#d.venues.get(input.venueId) : Promise.resolve(null);
    venueRead.catch(() => undefined); // awaited below unless replayed
    if (this.#d.store.registersInStep) return this.#checkInRegisteringInStep(userId, input, venueRead, trace);
    // On a Redis Cluster the journal index is in another slot than the user's keys: the user is
    // registered ahead, while the stored result of the key is read, so a first check-in (the
    // common case) waits for one round trip, not three; a replay depends on neither.
    const registered = this.#d.store.register(userId);
    registered.catch(() => undefined); // awaited by the user step, or given back below
    let stepped = false;
    try {
      const stored = await this.#d.store.storedCheckIn(userId, input.idempotencyKey);
      if (stored) return this.#replayedCheckIn(stored, input.venueId);
      const venue = await venueRead;
      const command = this.#command(userId, input, venue);
      stepped = true;
      return await this.#stepped(await this.#d.store.checkIn(command, registered), input, trace);
    } finally {
      // Refused or replayed before the user step: the registration has nothing to guard.
      if (!stepped)
        await registered.then((version) => this.#d.store.unregister(userId, version)).catch(() => undefined);
    }
  }

  /**
   * A single Redis node (docs/decisions/0031): the user step registers the user in the journal
   * index itself and answers a replay itself, so a first check-in is one round trip to its user
   * step. The stored result is read ahead of the step only when a rule refuses: a replay still
   * answers what the first request did, even if the venue, its hours or the fence would now refuse.
   */
  async #checkInRegisteringInStep(
    userId: string,
    input: CheckInArgs,
    venueRead: ReturnType<VenueCatalog['get']>,
    trace: TraceContext | undefined,
  ) {
    let command: CheckInCommand;
    try {
      command = this.#command(userId, input, await venueRead);
    } catch (err) {
      const stored = await this.#d.store.storedCheckIn(userId, input.idempotencyKey);
      if (stored) return this.#replayedCheckIn(stored, input.venueId);
      throw err;
    }
    return this.#stepped(await this.#d.store.checkIn(command), input, trace);
  }

  /** What an accepted, refused or replayed user step answers; an accepted change is applied first. */
  async #stepped(outcome: PresenceOutcome, input: CheckInArgs, trace: TraceContext | undefined) {
    if (!outcome.ok) throw rejection(outcome);
    if (outcome.replayed) return this.#replayedCheckIn(outcome.change, input.venueId);
    await this.#afterChange(outcome.change, trace);
    return {
      session: sessionView(outcome.change.opened!),
      previous: outcome.change.closed ? sessionView(outcome.change.closed) : null,
      replayed: false,
    };
  }

  /** The rules that need the venue, and the user step's command if they pass. */
  #command(
    userId: string,
    input: CheckInArgs,
    venue: Awaited<ReturnType<VenueCatalog['get']>>,
  ): CheckInCommand {
    if (!venue) throw venueNotFound();
    const { rules } = this.#d;
    const fence = checkGeofence(
      { lat: venue.lat, lng: venue.lng, radiusM: venue.checkinRadiusM },
      input,
      rules.maxAccuracyM,
    );
    if (!fence.ok && fence.reason === 'TOO_INACCURATE')
      throw locationTooInaccurate(input.accuracyM, rules.maxAccuracyM);
    if (!fence.ok) throw outsideGeofence(fence.distanceM, venue.checkinRadiusM);

    const now = this.#d.clock.now();
    const closing = closesAt(readOpeningHours(venue.openingHours), now, venue.timeZone);
    if (closing === 'closed') throw venueClosed();
    const localDate = localParts(now, venue.timeZone).date;

    return {
      userId,
      venueId: input.venueId,
      cityCode: venue.cityCode,
      venueLat: venue.lat,
      venueLng: venue.lng,
      now,
      expiresAt: sessionExpiry(now, venue.typicalStayMin, rules.maxStayMin, closing),
      heatDate: localDate,
      heatWeight: heatWeight(localDate),
      source: 'GPS',
      idempotencyKey: input.idempotencyKey,
    };
  }

  #replayedCheckIn(change: PresenceChange, venueId: string) {
    if (change.opened?.venueId !== venueId)
      throw badInput('idempotencyKey was already used for a check-in at another venue', 'idempotencyKey');
    return {
      session: sessionView(change.opened),
      previous: change.closed ? sessionView(change.closed) : null,
      replayed: true,
    };
  }

  async checkOut(viewer: Viewer | null, venueId: string, trace?: TraceContext) {
    const { userId } = requireViewer(viewer);
    if (!parseVenueId(venueId)) throw venueNotFound();
    const outcome = await this.#d.store.checkOut(userId, venueId, this.#d.clock.now());
    if (!outcome.ok) throw rejection(outcome);
    if (!outcome.replayed) await this.#afterChange(outcome.change, trace);
    return { session: sessionView(outcome.change.closed!), replayed: outcome.replayed };
  }

  /** The caller's open session; one whose expiry passed is over even before the sweeper ends it. */
  async myPresence(viewer: Viewer | null): Promise<SessionView | null> {
    const { userId } = requireViewer(viewer);
    const open = await this.#d.store.openSession(userId);
    if (!open || open.expiresAt <= this.#d.clock.now().getTime()) return null;
    return sessionView(open);
  }

  /** Ends every session whose typical stay has elapsed (minutes = the stay, not the delay). */
  async autoCheckOutDue(limit = 500): Promise<number> {
    const now = this.#d.clock.now();
    let ended = 0;
    for (const { userId, expiry } of await this.#d.store.dueForAutoCheckOut(now, limit)) {
      const outcome = await this.#d.store.autoCheckOut(userId, now);
      if (!outcome.ok) {
        // No session (ended otherwise) or a later one: the index entry was stale.
        await this.#d.store.fixExpiry(userId, expiry, outcome.expiresAt ?? null);
        continue;
      }
      await this.#afterChange(outcome.change);
      await this.#d.store.fixExpiry(userId, expiry, null);
      ended += 1;
    }
    return ended;
  }

  /**
   * Finishes changes whose request did not (a crash between the user step and the venue steps or
   * the database write, or a database outage): the venue steps again (no-ops if they were applied),
   * then MariaDB. `graceMs` leaves in-flight requests to finish their own work.
   */
  async saveJournal(graceMs = this.#d.rules.journalGraceMs): Promise<number> {
    const { pending, stale } = await this.#d.store.pendingJournal(Date.now() - graceMs);
    await this.#d.store.dropStaleIndex(stale);
    let saved = 0;
    // Users in parallel, so their writes share group commits; each user's changes in order.
    await Promise.all(
      pending.map(async ({ userId, version, changes }) => {
        const done: string[] = [];
        for (const change of changes) {
          try {
            await this.#d.store.applyToVenues(change);
            await this.#d.writer.persist(change);
            done.push(change.batchId);
            // The request that died may never have published the new headcount; subscribers would
            // then wait for the venue's next change. Publishing again is harmless (same seq: dropped).
            await this.#publish(change);
          } catch (err) {
            // One entry that cannot be written must not hold back the others; it is retried next time.
            this.#d.logger.error({ err, batchId: change.batchId }, 'journal entry not persisted');
          }
        }
        if (done.length === 0) return;
        saved += done.length;
        try {
          await this.#d.store.settle(userId, done, version);
        } catch (err) {
          // Entries left behind are applied and persisted again next time (idempotent).
          this.#d.logger.error({ err, batchIds: done }, 'journal entries persisted but not cleared');
        }
      }),
    );
    if (saved > 0) this.#d.relay.wake();
    return saved;
  }

  async #afterChange(change: PendingChange, trace?: TraceContext): Promise<void> {
    const userId = (change.opened ?? change.closed)!.userId;
    // The new headcount is live once the venue steps ran: subscribers learn it while MariaDB
    // writes (its commands share Redis writes with the settle of other requests).
    let published: Promise<void> | null = null;
    try {
      const { mirrored } = await this.#d.store.stepVenues(change);
      published = this.#publish(change);
      await this.#d.writer.persist(change, trace && childTraceparent(trace));
      await mirrored;
      await this.#d.store.settle(userId, [change.batchId], change.indexVersion);
      this.#d.relay.wake([change.closed, change.opened].flatMap((s) => (s ? [s.venueId] : [])));
    } catch (err) {
      // The change stands (the user step decided it); the journal keeps it until the sweeper has
      // applied it to the venues and MariaDB.
      this.#d.logger.error(
        { err, batchId: change.batchId },
        'presence change not applied yet; journal keeps it',
      );
    }
    await (published ?? this.#publish(change));
  }

  async #publish(change: PresenceChange): Promise<void> {
    const at = this.#d.clock.now();
    await Promise.all(
      [change.closed, change.opened]
        .filter((s): s is SessionFacts => s !== undefined && s.count !== undefined && s.seq !== undefined)
        .map((s) => this.#d.publisher.publish(s.venueId, s.count!, s.seq!, at)),
    );
  }
}
