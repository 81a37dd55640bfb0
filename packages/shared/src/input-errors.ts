// Why an input was refused, as data: the `extensions.reason` of a BAD_USER_INPUT error and the
// details that go with it. Clients translate these (the console's zh-CN table), so they are a
// contract between processes: add reasons, never rename one. Browser-safe (no imports): the console
// bundles it.

export const InputReason = {
  /** Text length outside `min`..`max` characters. */
  LENGTH: 'LENGTH',
  /** An integer outside `min`..`max` (or not an integer). */
  INTEGER_RANGE: 'INTEGER_RANGE',
  /** A number outside `min`..`max`. */
  RANGE: 'RANGE',
  /** A list whose number of items is outside `min`..`max`. */
  COUNT: 'COUNT',
  /** `value` does not have the expected form (`format` names it: SPORT_KEY, SLUG, RESOURCE). */
  FORMAT: 'FORMAT',
  /** `value` is not an IANA time zone. */
  TIME_ZONE: 'TIME_ZONE',
  /** The field changes only together with `with`. */
  TOGETHER: 'TOGETHER',
  /** Not an ISO 8601 instant with a zone. */
  INSTANT: 'INSTANT',
  /** `field` must come after `after`, at most `maxDays` days later. */
  INSTANT_ORDER: 'INSTANT_ORDER',
  /** An instant that must lie in the future does not. */
  IN_THE_PAST: 'IN_THE_PAST',
  /** A duration outside `minMinutes`..`maxMinutes`. */
  DURATION: 'DURATION',
  /** An ISO weekday outside 1 (Monday)..7 (Sunday). */
  WEEKDAY: 'WEEKDAY',
  /** `weekday` is listed twice. */
  WEEKDAY_REPEATED: 'WEEKDAY_REPEATED',
  /** An opening span that does not start within the day or ends before it starts. */
  SPAN: 'SPAN',
  /** Opening spans of `weekday` overlap. */
  SPANS_OVERLAP: 'SPANS_OVERLAP',
} as const;

export type InputReason = (typeof InputReason)[keyof typeof InputReason];

/** Machine-readable details of a refused input, beside `code` and `field`. */
export interface InputErrorDetails {
  reason: InputReason;
  min?: number;
  max?: number;
  minMinutes?: number;
  maxMinutes?: number;
  maxDays?: number;
  weekday?: number;
  value?: string;
  format?: string;
  with?: string;
  after?: string;
}
