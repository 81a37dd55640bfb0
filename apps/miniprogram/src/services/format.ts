// Display helpers (Chinese UI).
export type Level = 'NOT_BUSY' | 'A_LITTLE_BUSY' | 'BUSY' | 'VERY_BUSY';

export const LEVEL_TEXT: Record<Level, string> = {
  NOT_BUSY: '不忙',
  A_LITTLE_BUSY: '略忙',
  BUSY: '较忙',
  VERY_BUSY: '很忙',
};

export function levelText(level: string | null | undefined): string {
  return level ? (LEVEL_TEXT[level as Level] ?? '—') : '暂无数据';
}

export function distanceText(m: number): string {
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(1)} 公里`;
}

const hm = (minute: number) => {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

export function spanText(span: { openMinute: number; closeMinute: number }): string {
  if (span.openMinute === 0 && span.closeMinute >= 1440) return '全天';
  return `${hm(span.openMinute)}–${span.closeMinute > 1440 ? '次日' : ''}${hm(span.closeMinute)}`;
}

export const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** Local clock time of an ISO instant in Asia/Shanghai, e.g. 18:00. */
export function clockText(iso: string, timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

export function dateTimeText(iso: string, timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

/** ISO weekday (1 = Monday) of now in a time zone. */
export function isoWeekdayNow(timeZone = 'Asia/Shanghai'): number {
  const day = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(new Date());
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(day) + 1;
}

export const SPORT_TEXT: Record<string, string> = {
  basketball: '篮球',
  badminton: '羽毛球',
  swimming: '游泳',
  fitness: '健身',
  football: '足球',
  tennis: '网球',
  table_tennis: '乒乓球',
  'table-tennis': '乒乓球',
  running: '跑步',
  yoga: '瑜伽',
  climbing: '攀岩',
  gym: '健身',
};

export const sportText = (s: string) => SPORT_TEXT[s] ?? s;

/** Messages for the stable error codes a user can meet. */
export const ERROR_TEXT: Record<string, string> = {
  OUTSIDE_GEOFENCE: '你离场馆太远了，到场后再打卡',
  VENUE_CLOSED: '场馆现在不营业，营业时间内再来打卡吧',
  RATE_LIMITED: '操作太频繁了，请稍后再试',
  LOCATION_TOO_INACCURATE: '定位不够准确，请到开阔处重试',
  IMPLAUSIBLE_TRAVEL: '定位变化过快，请稍后再试',
  ALREADY_CHECKED_IN: '你已经在这里打卡了',
  NOT_CHECKED_IN: '你还没有在这里打卡',
  SLOT_FULL: '这个时段已约满',
  ALREADY_BOOKED: '你已经预约了这个时段',
  BOOKING_CLOSED: '这个时段已开始，无法预约',
  CANCELLATION_CLOSED: '时段已开始，无法取消',
  UNAUTHENTICATED: '请先登录',
  TOO_MANY_QUIET_ALERTS: '最多同时设置 5 个提醒',
  INVALID_WECHAT_CODE: '登录失败，请重试',
  NETWORK: '网络不给力，请稍后重试',
};
