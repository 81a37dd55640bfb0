// "Tell me when it's quiet" rules: plain functions, no I/O (docs/decisions/0015).
import { badInput, OCCUPANCY_LEVELS, type OccupancyLevelName } from '@sport-venue/shared';

export const MAX_WINDOW_HOURS = 24;
export const MAX_PENDING_PER_USER = 5;
/** WeChat's `thing` template field holds at most 20 characters. */
export const THING_MAX_CHARS = 20;

export type QuietAlertStatus = 'PENDING' | 'SENDING' | 'SENT' | 'EXPIRED' | 'FAILED' | 'CANCELLED';

export interface QuietAlertRequest {
  venueId: string;
  venueName: string;
  maxLevel: OccupancyLevelName;
  windowStart: Date;
  windowEnd: Date;
}

const VENUE_ID = /^[\w-]{1,64}$/;

function parseInstant(value: string, field: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
    throw badInput('must be an ISO 8601 date-time', field);
  }
  return at;
}

/** Cuts to `max` characters (code points, not UTF-16 units) with an ellipsis. */
export function truncateChars(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function validateQuietAlertRequest(
  input: {
    venueId: string;
    venueName: string;
    maxLevel: string;
    windowStart?: string | null;
    windowEnd: string;
  },
  now: Date,
): QuietAlertRequest {
  if (!VENUE_ID.test(input.venueId)) throw badInput('not a venue id', 'venueId');
  // eslint-disable-next-line no-control-regex
  const venueName = input.venueName.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!venueName) throw badInput('must not be empty', 'venueName');
  const maxLevel = input.maxLevel as OccupancyLevelName;
  if (!OCCUPANCY_LEVELS.includes(maxLevel) || maxLevel === 'VERY_BUSY') {
    throw badInput('must be NOT_BUSY, A_LITTLE_BUSY or BUSY', 'maxLevel');
  }
  const windowEnd = parseInstant(input.windowEnd, 'windowEnd');
  let windowStart = input.windowStart ? parseInstant(input.windowStart, 'windowStart') : now;
  if (windowStart < now) windowStart = now;
  if (windowEnd <= now) throw badInput('must be in the future', 'windowEnd');
  if (windowEnd <= windowStart) throw badInput('must be after windowStart', 'windowEnd');
  if (windowEnd.getTime() - windowStart.getTime() > MAX_WINDOW_HOURS * 3_600_000) {
    throw badInput(`the window may span at most ${MAX_WINDOW_HOURS} hours`, 'windowEnd');
  }
  return {
    venueId: input.venueId,
    venueName: truncateChars(venueName, THING_MAX_CHARS),
    maxLevel,
    windowStart,
    windowEnd,
  };
}

/** Alerts' maxLevels that a venue now at `level` satisfies. */
export function maxLevelsFiredBy(level: OccupancyLevelName): OccupancyLevelName[] {
  return OCCUPANCY_LEVELS.slice(OCCUPANCY_LEVELS.indexOf(level), 3);
}

/** What the client sees: a waiting alert whose window ended is EXPIRED before the sweep says so. */
export function visibleStatus(
  row: { status: string; windowEnd: Date },
  now: Date,
): Exclude<QuietAlertStatus, 'SENDING'> {
  const status = row.status as QuietAlertStatus;
  if (status === 'SENDING') return 'PENDING';
  if (status === 'PENDING' && row.windowEnd <= now) return 'EXPIRED';
  return status;
}

export const LEVEL_LABELS: Record<OccupancyLevelName, string> = {
  NOT_BUSY: '不忙',
  A_LITTLE_BUSY: '略忙',
  BUSY: '较忙',
  VERY_BUSY: '很忙',
};

const shanghaiMinute = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * Template fields of the message: venue (thing1), how busy (phrase2, ≤ 5 characters), when
 * (time3, Asia/Shanghai), and a hint (thing4).
 */
export function quietMessageData(venueName: string, level: OccupancyLevelName, at: Date) {
  return {
    thing1: truncateChars(venueName, THING_MAX_CHARS),
    phrase2: LEVEL_LABELS[level],
    time3: shanghaiMinute.format(at),
    thing4: '现在人少，适合出发',
  };
}

export function quietMessagePage(venueId: string): string {
  return `pages/venue/venue?id=${encodeURIComponent(venueId)}`;
}
