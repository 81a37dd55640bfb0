// Validation of operator input for venues: what the database stores is always well-formed.
import { badInput, InputReason } from '@sport-venue/shared';
import { assertCoordinates } from './geo.ts';
import { isValidTimeZone } from '../local-time.ts';
import { openingHoursFromInput, type OpeningDayInput, type OpeningHours } from './opening-hours.ts';

export interface VenueFields {
  name: string;
  address: string;
  lat: number;
  lng: number;
  sports: string[];
  capacity: number | null;
  timeZone: string;
  openingHours: OpeningHours;
  checkinRadiusM: number;
  typicalStayMin: number;
}

export interface CreateVenueInput {
  cityCode: string;
  slug: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  sports: string[];
  capacity?: number | null;
  timeZone?: string | null;
  openingHours: OpeningDayInput[];
  checkinRadiusM?: number | null;
  typicalStayMin?: number | null;
}

type Nullable<T> = { [K in keyof T]?: T[K] | null };

export type UpdateVenueInput = Nullable<Omit<CreateVenueInput, 'cityCode' | 'slug'>> & {
  clearCapacity?: boolean | null;
};

export const DEFAULT_CHECKIN_RADIUS_M = 200;
export const DEFAULT_TYPICAL_STAY_MIN = 90;

const text = (value: string, field: string, max = 191) => {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max)
    throw badInput(`${field} must be 1–${max} characters`, field, {
      reason: InputReason.LENGTH,
      min: 1,
      max,
    });
  return trimmed;
};

const intIn = (value: number, min: number, max: number, field: string) => {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(`${field} must be an integer between ${min} and ${max}`, field, {
      reason: InputReason.INTEGER_RANGE,
      min,
      max,
    });
  return value;
};

function sports(list: string[]): string[] {
  const out = [...new Set(list.map((s) => s.trim().toLowerCase()))];
  if (out.length === 0 || out.length > 20)
    throw badInput('list 1–20 sports', 'sports', { reason: InputReason.COUNT, min: 1, max: 20 });
  for (const s of out)
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(s))
      throw badInput(`"${s}" is not a sport key (e.g. badminton)`, 'sports', {
        reason: InputReason.FORMAT,
        format: 'SPORT_KEY',
        value: s,
      });
  return out;
}

function timeZone(value: string): string {
  if (!isValidTimeZone(value))
    throw badInput(`${value} is not an IANA time zone`, 'timeZone', { reason: InputReason.TIME_ZONE, value });
  return value;
}

export function validateNewVenue(
  input: CreateVenueInput,
  cityTimeZone: string,
  maxStayMin: number,
): VenueFields & { cityCode: string; slug: string } {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(input.slug))
    throw badInput('slug must be lower-case letters, digits and dashes (at most 64)', 'slug', {
      reason: InputReason.FORMAT,
      format: 'SLUG',
      value: input.slug,
    });
  assertCoordinates(input);
  return {
    cityCode: input.cityCode,
    slug: input.slug,
    name: text(input.name, 'name'),
    address: text(input.address, 'address'),
    lat: input.lat,
    lng: input.lng,
    sports: sports(input.sports),
    capacity: input.capacity == null ? null : intIn(input.capacity, 1, 1_000_000, 'capacity'),
    timeZone: timeZone(input.timeZone ?? cityTimeZone),
    openingHours: openingHoursFromInput(input.openingHours),
    checkinRadiusM: intIn(input.checkinRadiusM ?? DEFAULT_CHECKIN_RADIUS_M, 20, 5_000, 'checkinRadiusM'),
    typicalStayMin: intIn(input.typicalStayMin ?? DEFAULT_TYPICAL_STAY_MIN, 5, maxStayMin, 'typicalStayMin'),
  };
}

/** Only the fields present in the input; null clears nothing except through clearCapacity. */
export function validateVenueChanges(input: UpdateVenueInput, maxStayMin: number): Partial<VenueFields> {
  const out: Partial<VenueFields> = {};
  if (input.name != null) out.name = text(input.name, 'name');
  if (input.address != null) out.address = text(input.address, 'address');
  if ((input.lat == null) !== (input.lng == null))
    throw badInput('lat and lng change together', 'lat', { reason: InputReason.TOGETHER, with: 'lng' });
  if (input.lat != null && input.lng != null) {
    assertCoordinates({ lat: input.lat, lng: input.lng });
    out.lat = input.lat;
    out.lng = input.lng;
  }
  if (input.sports != null) out.sports = sports(input.sports);
  if (input.clearCapacity) out.capacity = null;
  else if (input.capacity != null) out.capacity = intIn(input.capacity, 1, 1_000_000, 'capacity');
  if (input.timeZone != null) out.timeZone = timeZone(input.timeZone);
  if (input.openingHours != null) out.openingHours = openingHoursFromInput(input.openingHours);
  if (input.checkinRadiusM != null)
    out.checkinRadiusM = intIn(input.checkinRadiusM, 20, 5_000, 'checkinRadiusM');
  if (input.typicalStayMin != null)
    out.typicalStayMin = intIn(input.typicalStayMin, 5, maxStayMin, 'typicalStayMin');
  return out;
}

/** Sports of a stored venue (a JSON column). */
export function venueSports(sportsJson: unknown): string[] {
  return Array.isArray(sportsJson) ? sportsJson.filter((s): s is string => typeof s === 'string') : [];
}
