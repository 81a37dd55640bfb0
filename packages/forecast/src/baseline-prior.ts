/**
 * The baseline served before any model is trained (predict.ts `BaselinePrior`): per-venue
 * hour-of-week profiles of some occupancy data (the shipped file at first start), the generic
 * fallbacks, and the typical spread of actuals around the profile for the interval. Building it
 * is a pass over the rows — seconds, not the minutes a network takes.
 */
import type { OccupancyRow } from './types.ts';
import { buildHourlyDataset } from './series.ts';
import { computeProfile, genericProfile, type VenueProfile } from './profile.ts';
import { regionForVenue, type HolidayRegion } from './holidays.ts';
import { DEFAULT_LEVEL_THRESHOLDS } from './levels.ts';
import type { VenueModelInfo } from './forecaster.ts';
import type { BaselinePrior } from './predict.ts';
import type { VenueAttributes } from './cold-start.ts';
import { NOMINAL_COVERAGE } from './guard.ts';

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function buildBaselinePrior(
  rows: readonly OccupancyRow[],
  timeZone: string,
  options: {
    regionOf?: (venue: string) => HolidayRegion;
    attributesOf?: (venue: string) => VenueAttributes | undefined;
  } = {},
): BaselinePrior {
  const data = buildHourlyDataset(rows, timeZone);
  const venues: Record<string, VenueModelInfo> = {};
  const profiles: VenueProfile[] = [];
  const ratios: number[] = [];
  for (const [name, hours] of data.venues) {
    const profile = computeProfile(hours.truth, data.grid);
    if (profile.count.every((c) => c === 0)) continue;
    profiles.push(profile);
    const attributes = options.attributesOf?.(name);
    venues[name] = {
      profile: profile.mean,
      count: profile.count,
      scale: profile.scale,
      region: options.regionOf?.(name) ?? regionForVenue(name),
      capacity: hours.capacity,
      ...(attributes ? { attributes } : {}),
    };
    // Spread of actual / profile where the profile says the venue is reasonably busy.
    for (let i = 0; i < data.grid.length; i++) {
      const v = hours.truth[i]!;
      const p = profile.mean[data.grid.hourOfWeek[i]!]!;
      if (!Number.isNaN(v) && p > 0.1 * profile.scale) ratios.push(v / p);
    }
  }
  ratios.sort((a, b) => a - b);
  const q = (x: number): number => ratios[Math.min(ratios.length - 1, Math.floor(x * ratios.length))] ?? 1;
  const tail = (1 - NOMINAL_COVERAGE) / 2;
  const capacityRatios = Object.values(venues)
    .filter((v) => v.capacity !== null)
    .map((v) => v.scale / v.capacity!);
  return {
    kind: 'baseline',
    venues,
    generic: {
      profile: genericProfile(profiles),
      scale: median(profiles.map((p) => p.scale)),
      peakToCapacity: capacityRatios.length > 0 ? median(capacityRatios) : null,
    },
    timeZone,
    levelThresholds: { ...DEFAULT_LEVEL_THRESHOLDS },
    interval: { low: Math.min(1, q(tail)), high: Math.max(1, q(1 - tail)) },
  };
}
