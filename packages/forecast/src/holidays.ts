/**
 * Public holidays: Swiss national + cantonal holidays (Easter-based movable feasts computed) and
 * Chinese statutory holidays with 调休 make-up working days.
 *
 * `holidayCalendar(region)` returns `isHoliday(date)` / `isWorkday(date)` where `date` is either a
 * 'YYYY-MM-DD' local date or a `Date` (interpreted in the region's time zone).
 */
import { addDaysToKey, dateKey, localDateKey, weekdayOfKey } from './calendar.ts';

export type SwissCanton = 'ZH' | 'BE' | 'LU' | 'ZG' | 'AG' | 'BS';
export type HolidayRegion = 'CH' | `CH-${SwissCanton}` | 'CN';

export const HOLIDAY_REGIONS: readonly HolidayRegion[] = [
  'CH',
  'CH-ZH',
  'CH-BE',
  'CH-LU',
  'CH-ZG',
  'CH-AG',
  'CH-BS',
  'CN',
];

export function isHolidayRegion(value: string): value is HolidayRegion {
  return (HOLIDAY_REGIONS as readonly string[]).includes(value);
}

export interface HolidayCalendar {
  readonly region: HolidayRegion;
  /** IANA zone used to turn a `Date` into a local calendar day. */
  readonly timeZone: string;
  isHoliday(date: Date | string): boolean;
  /** Ordinary working day: Mon–Fri and not a holiday, or (CN) an official make-up working day. */
  isWorkday(date: Date | string): boolean;
  /** Name of the holiday on that day, if any. */
  holidayName(date: Date | string): string | undefined;
}

/** Easter Sunday (Gregorian, anonymous algorithm) as 'YYYY-MM-DD'. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dateKey(year, month, day);
}

type SwissHolidayId =
  | 'newYear'
  | 'berchtold'
  | 'goodFriday'
  | 'easterMonday'
  | 'labourDay'
  | 'ascension'
  | 'whitMonday'
  | 'corpusChristi'
  | 'nationalDay'
  | 'assumption'
  | 'allSaints'
  | 'immaculateConception'
  | 'christmas'
  | 'stStephen';

const SWISS_NAMES: Record<SwissHolidayId, string> = {
  newYear: 'Neujahr',
  berchtold: 'Berchtoldstag',
  goodFriday: 'Karfreitag',
  easterMonday: 'Ostermontag',
  labourDay: 'Tag der Arbeit',
  ascension: 'Auffahrt',
  whitMonday: 'Pfingstmontag',
  corpusChristi: 'Fronleichnam',
  nationalDay: 'Bundesfeier',
  assumption: 'Mariä Himmelfahrt',
  allSaints: 'Allerheiligen',
  immaculateConception: 'Mariä Empfängnis',
  christmas: 'Weihnachten',
  stStephen: 'Stephanstag',
};

/** Fixed dates (MM-DD) and Easter offsets (days) of the Swiss holidays. */
const SWISS_FIXED: Partial<Record<SwissHolidayId, string>> = {
  newYear: '01-01',
  berchtold: '01-02',
  labourDay: '05-01',
  nationalDay: '08-01',
  assumption: '08-15',
  allSaints: '11-01',
  immaculateConception: '12-08',
  christmas: '12-25',
  stStephen: '12-26',
};
const SWISS_EASTER_OFFSET: Partial<Record<SwissHolidayId, number>> = {
  goodFriday: -2,
  easterMonday: 1,
  ascension: 39,
  whitMonday: 50,
  corpusChristi: 60,
};

const CORE: SwissHolidayId[] = [
  'newYear',
  'goodFriday',
  'easterMonday',
  'ascension',
  'whitMonday',
  'nationalDay',
  'christmas',
  'stStephen',
];
const CATHOLIC: SwissHolidayId[] = ['corpusChristi', 'assumption', 'allSaints', 'immaculateConception'];

/**
 * Holidays observed per canton (days on which shops/offices close; half-days such as
 * Sechseläuten/Knabenschiessen and carnival days are not included).
 * - ZH: + Berchtoldstag, 1 May.
 * - BE: + Berchtoldstag.
 * - BS: + 1 May (no Berchtoldstag).
 * - LU, ZG: + Berchtoldstag and the Catholic feasts (Corpus Christi, 15 Aug, 1 Nov, 8 Dec).
 *   (Berchtoldstag is customary rather than statutory in LU.)
 * - AG: modelled on the Baden district (Catholic): + Berchtoldstag and the Catholic feasts.
 * - CH: the core set observed nearly everywhere in German-speaking Switzerland.
 */
const CANTON_HOLIDAYS: Record<'CH' | SwissCanton, SwissHolidayId[]> = {
  CH: CORE,
  ZH: [...CORE, 'berchtold', 'labourDay'],
  BE: [...CORE, 'berchtold'],
  BS: [...CORE, 'labourDay'],
  LU: [...CORE, 'berchtold', ...CATHOLIC],
  ZG: [...CORE, 'berchtold', ...CATHOLIC],
  AG: [...CORE, 'berchtold', ...CATHOLIC],
};

/** Swiss holidays of one canton (or 'CH') for one year: date → name. */
export function swissHolidays(canton: SwissCanton | 'CH', year: number): Map<string, string> {
  const easter = easterSunday(year);
  const out = new Map<string, string>();
  for (const id of CANTON_HOLIDAYS[canton]) {
    const fixed = SWISS_FIXED[id];
    const key = fixed !== undefined ? `${year}-${fixed}` : addDaysToKey(easter, SWISS_EASTER_OFFSET[id] ?? 0);
    out.set(key, SWISS_NAMES[id]);
  }
  return out;
}

interface ChinaYear {
  /** Inclusive date ranges of days off (including weekend days inside the block). */
  holidays: Array<[from: string, to: string, name: string]>;
  /** 调休: weekend days that are official working days. */
  makeUpWorkdays: string[];
}

/**
 * Chinese statutory holiday schedules (国务院办公厅 notices).
 * - 2025: notice of 2024-11-12 (first year of the 2024 revision adding New Year's Eve and 2 May).
 * - 2026: notice 国务院办公厅关于2026年部分节假日安排的通知 of 2025-11-04 (Xinhua), as published:
 *   元旦 1–3 Jan (4 Jan work); 春节 15–23 Feb (14 Feb, 28 Feb work); 清明 4–6 Apr;
 *   劳动节 1–5 May (9 May work); 端午 19–21 Jun; 中秋 25–27 Sep; 国庆 1–7 Oct (20 Sep, 10 Oct work).
 * Other years are not known here: only the fixed-date statutory days (1 Jan, 1–2 May, 1–3 Oct)
 * are reported, without the lunar festivals or make-up days.
 */
const CHINA: Record<number, ChinaYear> = {
  2025: {
    holidays: [
      ['2025-01-01', '2025-01-01', '元旦'],
      ['2025-01-28', '2025-02-04', '春节'],
      ['2025-04-04', '2025-04-06', '清明节'],
      ['2025-05-01', '2025-05-05', '劳动节'],
      ['2025-05-31', '2025-06-02', '端午节'],
      ['2025-10-01', '2025-10-08', '国庆节、中秋节'],
    ],
    makeUpWorkdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    holidays: [
      ['2026-01-01', '2026-01-03', '元旦'],
      ['2026-02-15', '2026-02-23', '春节'],
      ['2026-04-04', '2026-04-06', '清明节'],
      ['2026-05-01', '2026-05-05', '劳动节'],
      ['2026-06-19', '2026-06-21', '端午节'],
      ['2026-09-25', '2026-09-27', '中秋节'],
      ['2026-10-01', '2026-10-07', '国庆节'],
    ],
    makeUpWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

export const CHINA_KNOWN_YEARS: readonly number[] = Object.keys(CHINA).map(Number);

function chinaHolidays(year: number): { holidays: Map<string, string>; makeUp: Set<string> } {
  const holidays = new Map<string, string>();
  const sched = CHINA[year];
  if (!sched) {
    for (const [md, name] of [
      ['01-01', '元旦'],
      ['05-01', '劳动节'],
      ['05-02', '劳动节'],
      ['10-01', '国庆节'],
      ['10-02', '国庆节'],
      ['10-03', '国庆节'],
    ] as const) {
      holidays.set(`${year}-${md}`, name);
    }
    return { holidays, makeUp: new Set() };
  }
  for (const [from, to, name] of sched.holidays) {
    for (let k = from; k <= to; k = addDaysToKey(k, 1)) holidays.set(k, name);
  }
  return { holidays, makeUp: new Set(sched.makeUpWorkdays) };
}

const REGION_TZ: Record<HolidayRegion, string> = {
  CH: 'Europe/Zurich',
  'CH-ZH': 'Europe/Zurich',
  'CH-BE': 'Europe/Zurich',
  'CH-LU': 'Europe/Zurich',
  'CH-ZG': 'Europe/Zurich',
  'CH-AG': 'Europe/Zurich',
  'CH-BS': 'Europe/Zurich',
  CN: 'Asia/Shanghai',
};

const calendars = new Map<HolidayRegion, HolidayCalendar>();

/** Holiday calendar of a region ('CH-ZH', 'CN', …). Cached per region. */
export function holidayCalendar(region: HolidayRegion): HolidayCalendar {
  const cached = calendars.get(region);
  if (cached) return cached;
  if (!isHolidayRegion(region)) throw new RangeError(`unknown holiday region "${String(region)}"`);
  const timeZone = REGION_TZ[region];
  const years = new Map<number, { holidays: Map<string, string>; makeUp: Set<string> }>();
  const yearData = (year: number): { holidays: Map<string, string>; makeUp: Set<string> } => {
    let y = years.get(year);
    if (!y) {
      if (region === 'CN') y = chinaHolidays(year);
      else
        y = {
          holidays: swissHolidays(region === 'CH' ? 'CH' : (region.slice(3) as SwissCanton), year),
          makeUp: new Set(),
        };
      years.set(year, y);
    }
    return y;
  };
  const toKey = (date: Date | string): string => {
    if (typeof date === 'string') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`expected YYYY-MM-DD, got "${date}"`);
      return date;
    }
    return localDateKey(date, timeZone);
  };
  const holidayName = (date: Date | string): string | undefined => {
    const key = toKey(date);
    return yearData(Number(key.slice(0, 4))).holidays.get(key);
  };
  const cal: HolidayCalendar = {
    region,
    timeZone,
    holidayName,
    isHoliday: (date) => holidayName(date) !== undefined,
    isWorkday: (date) => {
      const key = toKey(date);
      const y = yearData(Number(key.slice(0, 4)));
      if (y.holidays.has(key)) return false;
      if (y.makeUp.has(key)) return true;
      return weekdayOfKey(key) < 5;
    },
  };
  calendars.set(region, cal);
  return cal;
}

const VENUE_CANTON_HINTS: Array<[RegExp, HolidayRegion]> = [
  [/z(ü|ue|u)rich|winterthur|greifensee|regensdorf|glattpark|uster|d(ü|u)bendorf|kloten/i, 'CH-ZH'],
  [/\bzug\b|baar|cham\b/i, 'CH-ZG'],
  [/luzern|lucerne|kriens|emmen/i, 'CH-LU'],
  [/\bbaden\b|aarau|wettingen|brugg/i, 'CH-AG'],
  [/basel|bâle/i, 'CH-BS'],
  [/\bbern\b|ostermundigen|oberhofen|thun|k(ö|oe)niz/i, 'CH-BE'],
];

/**
 * Holiday region of a venue, guessed from its name (Fitnesspark names carry the town);
 * defaults to Zürich ('CH-ZH').
 */
export function regionForVenue(venue: string, fallback: HolidayRegion = 'CH-ZH'): HolidayRegion {
  for (const [re, region] of VENUE_CANTON_HINTS) if (re.test(venue)) return region;
  return fallback;
}
