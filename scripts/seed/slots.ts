// Demo booking slots: evening courts for the coming week at the Chinese venues with racket and
// court sports, so `bookSlot` has something to book. Past slots are left as they are.
import { shanghaiDate } from '@sport-venue/shared';

const COURTS: Record<string, { courts: number; capacity: number; label: string }> = {
  badminton: { courts: 2, capacity: 4, label: '羽毛球场' },
  tennis: { courts: 2, capacity: 4, label: '网球场' },
  basketball: { courts: 1, capacity: 10, label: '篮球场' },
};
const EVENING_HOURS = [18, 19, 20, 21];

export interface SlotVenue {
  id: bigint;
  timeZone: string;
  sports: unknown;
}

export function demoSlots(now: Date, venues: SlotVenue[], days = 7) {
  const slots: Array<{ venueId: bigint; resource: string; startsAt: Date; endsAt: Date; capacity: number }> =
    [];
  for (const venue of venues) {
    // Slot times are written with a +08:00 offset: Chinese venues only.
    if (venue.timeZone !== 'Asia/Shanghai' || !Array.isArray(venue.sports)) continue;
    for (const sport of venue.sports) {
      const kind = COURTS[String(sport)];
      if (!kind) continue;
      for (let d = 0; d < days; d++) {
        const date = shanghaiDate(new Date(now.getTime() + d * 86_400_000));
        for (const hour of EVENING_HOURS) {
          const startsAt = new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`);
          if (startsAt <= now) continue;
          for (let court = 1; court <= kind.courts; court++) {
            slots.push({
              venueId: venue.id,
              resource: `${kind.label} ${court}`,
              startsAt,
              endsAt: new Date(startsAt.getTime() + 3_600_000),
              capacity: kind.capacity,
            });
          }
        }
      }
    }
  }
  return slots;
}
