// Venue list fields that take arguments (bookingSlots, bookings, occupancyHistory) are loaded for
// all the venues of a request at once (groupedLoader): their store reads return rows of many venues.

/** Rows grouped by their venue id (as a string), each group keeping the rows' order, at most `limit` each. */
export function byVenue<R extends { venueId: bigint }>(
  rows: readonly R[],
  limit = Infinity,
): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const row of rows) {
    const key = row.venueId.toString();
    const list = out.get(key) ?? [];
    if (list.length < limit) list.push(row);
    out.set(key, list);
  }
  return out;
}

/** The groups of `ids` in their order (none: an empty list). */
export const inOrder = <R>(ids: readonly bigint[], groups: Map<string, R[]>): R[][] =>
  ids.map((id) => groups.get(id.toString()) ?? []);
