// The venue subgraph refuses input with a stable `extensions.reason` and its details (min, max,
// weekday, …: packages/shared/src/input-errors.ts); the console says why in the operator's
// language instead of showing the server's English message.
import type { CombinedError } from '@urql/core';
import type { InputErrorDetails, InputReason } from '@sport-venue/shared/input-errors';

type Table = Record<InputReason | `FORMAT_${string}`, string>;

const zhCN: Table = {
  LENGTH: '长度须为 {min}–{max} 个字符',
  INTEGER_RANGE: '请输入 {min} 到 {max} 之间的整数',
  RANGE: '须在 {min} 到 {max} 之间',
  COUNT: '须为 {min}–{max} 项',
  FORMAT: '“{value}”格式不正确',
  FORMAT_SPORT_KEY: '“{value}”不是运动项目代码（例如 badminton）',
  FORMAT_SLUG: '标识只能包含小写字母、数字和连字符（最多 64 个）',
  FORMAT_RESOURCE: '场地名须为 1–64 个文字、数字、空格或 . _ # -',
  TIME_ZONE: '“{value}”不是有效的时区（例如 Asia/Shanghai）',
  TOGETHER: '须与 {with} 一起修改',
  INSTANT: '时间格式不正确',
  INSTANT_ORDER: '结束时间须晚于开始时间，且相隔不超过 {maxDays} 天',
  IN_THE_PAST: '开始时间须晚于现在',
  DURATION: '时长须在 {minMinutes} 到 {maxMinutes} 分钟之间',
  WEEKDAY: '星期须为 {min}（周一）到 {max}（周日）',
  WEEKDAY_REPEATED: '{day}重复设置',
  SPAN: '{day}：开门时间须在当天之内，且关门晚于开门',
  SPANS_OVERLAP: '{day}：营业时段重叠',
};

const en: Table = {
  LENGTH: 'Must be {min}–{max} characters',
  INTEGER_RANGE: 'Enter a whole number from {min} to {max}',
  RANGE: 'Must be between {min} and {max}',
  COUNT: 'Choose {min}–{max} items',
  FORMAT: '“{value}” is not in the expected form',
  FORMAT_SPORT_KEY: '“{value}” is not a sport key (e.g. badminton)',
  FORMAT_SLUG: 'Only lower-case letters, digits and dashes (at most 64)',
  FORMAT_RESOURCE: 'A court name has 1–64 letters, digits, spaces or . _ # -',
  TIME_ZONE: '“{value}” is not a time zone (e.g. Asia/Shanghai)',
  TOGETHER: 'Change it together with {with}',
  INSTANT: 'Not a valid time',
  INSTANT_ORDER: 'The end must follow the start, at most {maxDays} days later',
  IN_THE_PAST: 'The start must be in the future',
  DURATION: 'Must last {minMinutes} to {maxMinutes} minutes',
  WEEKDAY: 'The weekday must be {min} (Monday) to {max} (Sunday)',
  WEEKDAY_REPEATED: '{day} is set twice',
  SPAN: '{day}: opening must be within the day and closing after it',
  SPANS_OVERLAP: '{day}: opening hours overlap',
};

/** The `inputError` messages of each console locale (i18n.ts). */
export const inputErrorMessages = { 'zh-CN': zhCN, en };

/** What of vue-i18n's composer this needs (`useI18n()` or `i18n.global`). */
export interface Translator {
  t(key: string, params?: Record<string, unknown>): string;
  te(key: string): boolean;
}

/** The operator-facing message of one refused input; the server's message if the reason is unknown. */
export function inputErrorMessage(
  extensions: Partial<InputErrorDetails> | undefined,
  serverMessage: string,
  i18n: Translator,
): string {
  const reason = extensions?.reason;
  if (typeof reason !== 'string') return serverMessage;
  const keys = [
    ...(typeof extensions?.format === 'string' ? [`inputError.${reason}_${extensions.format}`] : []),
    `inputError.${reason}`,
  ];
  const key = keys.find((k) => i18n.te(k));
  if (!key) return serverMessage;
  const day =
    typeof extensions?.weekday === 'number' ? i18n.t(`settings.weekday[${extensions.weekday - 1}]`) : '';
  return i18n.t(key, { ...extensions, day });
}

/** Server validation errors keyed by the input field they concern (`extensions.field`). */
export function fieldErrors(
  error: CombinedError | undefined | null,
  i18n: Translator,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of error?.graphQLErrors ?? []) {
    const field = e.extensions?.field;
    if (e.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string')
      out[field] = inputErrorMessage(e.extensions as Partial<InputErrorDetails>, e.message, i18n);
  }
  return out;
}
