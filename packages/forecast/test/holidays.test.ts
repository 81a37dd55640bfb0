import { test } from 'node:test';
import assert from 'node:assert/strict';
import { easterSunday, holidayCalendar, regionForVenue, swissHolidays } from '../src/holidays.ts';
import { holidayFlagsFor, splitHolidayFlags } from '../src/venue-context.ts';
import { HourGrid } from '../src/grid.ts';

test('Easter Sunday 2025 and 2026', () => {
  assert.equal(easterSunday(2025), '2025-04-20');
  assert.equal(easterSunday(2026), '2026-04-05');
  assert.equal(easterSunday(2024), '2024-03-31');
});

test('Swiss Easter-based holidays for 2025 and 2026 (Zürich)', () => {
  const zh = holidayCalendar('CH-ZH');
  for (const [d, name] of [
    ['2025-04-18', 'Karfreitag'],
    ['2025-04-21', 'Ostermontag'],
    ['2025-05-29', 'Auffahrt'],
    ['2025-06-09', 'Pfingstmontag'],
    ['2026-04-03', 'Karfreitag'],
    ['2026-04-06', 'Ostermontag'],
    ['2026-05-14', 'Auffahrt'],
    ['2026-05-25', 'Pfingstmontag'],
  ] as const) {
    assert.equal(zh.holidayName(d), name, d);
    assert.equal(zh.isWorkday(d), false, d);
  }
  assert.equal(zh.isHoliday('2025-04-20'), false); // Easter Sunday itself is a Sunday, not listed
  for (const d of ['2025-01-01', '2025-01-02', '2025-05-01', '2025-08-01', '2025-12-25', '2025-12-26'])
    assert.ok(zh.isHoliday(d), d);
  assert.equal(zh.isWorkday('2025-04-22'), true);
  assert.equal(zh.isWorkday('2025-04-19'), false); // Saturday
});

test('cantonal differences: Berchtoldstag, 1 May, Corpus Christi', () => {
  assert.ok(holidayCalendar('CH-ZH').isHoliday('2026-01-02'));
  assert.ok(holidayCalendar('CH-BE').isHoliday('2026-01-02'));
  assert.equal(holidayCalendar('CH-BS').isHoliday('2026-01-02'), false);
  assert.ok(holidayCalendar('CH-BS').isHoliday('2025-05-01'));
  assert.equal(holidayCalendar('CH-BE').isHoliday('2025-05-01'), false);
  for (const r of ['CH-LU', 'CH-ZG', 'CH-AG'] as const) {
    assert.equal(holidayCalendar(r).holidayName('2025-06-19'), 'Fronleichnam', r); // Easter + 60
    assert.ok(holidayCalendar(r).isHoliday('2025-12-08'), r);
  }
  assert.equal(holidayCalendar('CH-ZH').isHoliday('2025-06-19'), false);
  assert.equal(swissHolidays('ZG', 2026).get('2026-06-04'), 'Fronleichnam');
});

test('a Date is read in the region time zone', () => {
  // 23:30 UTC on 31 Dec is already New Year's Day in Zürich, still 31 Dec is not a holiday in UTC terms
  assert.ok(holidayCalendar('CH-ZH').isHoliday(new Date('2025-12-31T23:30:00Z')));
  assert.equal(holidayCalendar('CH-ZH').isHoliday(new Date('2025-12-31T22:30:00Z')), false);
  // 17:00 UTC on 31 Dec 2025 is 01:00 on 1 Jan in Shanghai
  assert.ok(holidayCalendar('CN').isHoliday(new Date('2025-12-31T17:00:00Z')));
});

test('Chinese 调休 make-up working days are workdays, holiday blocks are not', () => {
  const cn = holidayCalendar('CN');
  for (const d of [
    '2025-01-26',
    '2025-02-08',
    '2025-04-27',
    '2025-09-28',
    '2025-10-11',
    '2026-01-04',
    '2026-02-14',
    '2026-02-28',
    '2026-05-09',
    '2026-09-20',
    '2026-10-10',
  ]) {
    assert.equal(cn.isWorkday(d), true, d);
    assert.equal(cn.isHoliday(d), false, d);
  }
  for (const d of [
    '2025-01-01',
    '2025-01-28',
    '2025-02-04',
    '2025-04-04',
    '2025-05-05',
    '2025-05-31',
    '2025-06-02',
    '2025-10-01',
    '2025-10-08',
    '2026-01-02',
    '2026-02-15',
    '2026-02-23',
    '2026-10-07',
  ]) {
    assert.equal(cn.isHoliday(d), true, d);
    assert.equal(cn.isWorkday(d), false, d);
  }
  assert.equal(cn.holidayName('2025-01-29'), '春节');
  assert.equal(cn.isWorkday('2025-03-08'), false); // ordinary Saturday
  assert.equal(cn.isWorkday('2025-03-10'), true); // ordinary Monday
});

test('venue names map to holiday regions, defaulting to Zürich', () => {
  assert.equal(regionForVenue('Fitnesspark Zürich Stadelhofen'), 'CH-ZH');
  assert.equal(regionForVenue('Fitnesspark Winterthur'), 'CH-ZH');
  assert.equal(regionForVenue('Fitnesspark Zug Eichstätte'), 'CH-ZG');
  assert.equal(regionForVenue('Fitnesspark Luzern Allmend'), 'CH-LU');
  assert.equal(regionForVenue('Fitnesspark Baden Trafo'), 'CH-AG');
  assert.equal(regionForVenue('Fitnesspark Basel Heuwaage'), 'CH-BS');
  assert.equal(regionForVenue('Fitnesspark Bern City'), 'CH-BE');
  assert.equal(regionForVenue('Fitnesspark Ostermundigen Time-Out'), 'CH-BE');
  assert.equal(regionForVenue('Fitnesspark Oberhofen'), 'CH-BE');
  assert.equal(regionForVenue('Some Gym'), 'CH-ZH');
});

test('a holiday column that marks a whole school break is read as a school break, not as public holidays', () => {
  const flags = new Map<string, boolean>([
    ['2025-05-29', true], // Ascension: public, a one-day run
    ['2025-12-25', true],
    ['2025-12-26', true],
    ['2025-12-29', false],
  ]);
  // Zürich's February sports break, two weeks flagged day by day.
  for (let d = 9; d <= 20; d++) flags.set(`2026-02-${String(d).padStart(2, '0')}`, true);
  const cal = holidayCalendar('CH-ZH');
  const { publicDays, schoolDays } = splitHolidayFlags(flags, (k) => cal.isHoliday(k));
  assert.deepEqual([...publicDays].sort(), ['2025-05-29', '2025-12-25', '2025-12-26']);
  assert.equal(schoolDays.size, 12);
  assert.ok(schoolDays.has('2026-02-09') && schoolDays.has('2026-02-20'));

  // On the grid: break days are school days, not public holidays, so the recent level keeps them.
  const grid = new HourGrid('Europe/Zurich', Date.parse('2026-02-08T23:00:00Z'), 24 * 14);
  const f = holidayFlagsFor(grid, 'CH-ZH', flags);
  const noon = grid.index(Date.parse('2026-02-12T11:00:00Z'));
  assert.deepEqual([f.today[noon], f.school[noon]], [0, 1]);
  const after = grid.index(Date.parse('2026-02-22T11:00:00Z'));
  assert.deepEqual([f.today[after], f.school[after]], [0, 0]);
});
