// Booking and slot ids carry their venue, the bookings shard key: `{venueId}-{localId}`. A request
// is then routed to one shard without a lookup. Clients treat the id as opaque.

export interface ScopedId {
  venueId: bigint;
  localId: bigint;
}

const SCOPED = /^([1-9]\d{0,18})-([1-9]\d{0,18})$/;

export function encodeScopedId(venueId: bigint, localId: bigint): string {
  return `${venueId}-${localId}`;
}

/** The parts of a well-formed id, or null (callers answer "not found"). */
export function decodeScopedId(id: string): ScopedId | null {
  const match = SCOPED.exec(id);
  return match ? { venueId: BigInt(match[1]!), localId: BigInt(match[2]!) } : null;
}
