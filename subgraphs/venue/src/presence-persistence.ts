// Makes a presence change durable: each session row and its event go to the venue's shard in one
// transaction (a superseding check-in is two transactions, one per venue, never one spanning both).
// Every statement is an idempotent upsert, so the request path and the journal sweeper may both
// write the same change, in either order.
import type { PrismaClient } from './generated/prisma/client.ts';
import { checkedInEvent, checkedOutEvent } from './checkin-events.ts';
import { insertOutbox } from './outbox.ts';
import type { PresenceChange, SessionFacts } from './presence-store.ts';

const at = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

function upsertSession(db: PrismaClient, s: SessionFacts) {
  return db.$executeRaw`
    INSERT INTO CheckIn (venueId, id, userId, cityCode, source, counted, startedAt, expiresAt, endedAt, minutes, endReason)
    VALUES (${BigInt(s.venueId)}, ${s.sessionId}, ${BigInt(s.userId)}, ${s.cityCode}, ${s.source}, ${s.counted},
            ${new Date(s.startedAt)}, ${new Date(s.expiresAt)}, ${at(s.endedAt)}, ${s.minutes ?? null}, ${s.reason ?? null})
    ON DUPLICATE KEY UPDATE
      endedAt = COALESCE(VALUES(endedAt), endedAt),
      minutes = COALESCE(VALUES(minutes), minutes),
      endReason = COALESCE(VALUES(endReason), endReason)`;
}

export async function persistPresenceChange(
  db: PrismaClient,
  topic: string,
  change: PresenceChange,
  traceparent?: string,
) {
  // The closed session first: its check-out precedes the check-in that superseded it.
  const writes = [
    change.closed && { session: change.closed, event: checkedOutEvent(change.closed) },
    change.opened && { session: change.opened, event: checkedInEvent(change.opened) },
  ];
  for (const write of writes) {
    if (!write) continue;
    const { session, event } = write;
    await db.$transaction([
      upsertSession(db, session),
      insertOutbox(db, {
        id: event.id,
        venueId: event.venueId,
        topic,
        key: event.userId,
        payload: event,
        traceparent,
      }),
    ]);
  }
}
