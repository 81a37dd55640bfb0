// Demo venues. Chinese coordinates are GCJ-02 (what WeChat and Amap return), approximate to a
// few tens of metres; Swiss coordinates are WGS-84, which GCJ-02 equals outside mainland China.

export interface SeedCity {
  code: string;
  name: string;
  timeZone: string;
}

export interface SeedVenue {
  cityCode: string;
  slug: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  sports: string[];
  capacity: number | null;
  hours: 'all-day' | [open: string, close: string];
  /** Name in data/occupancy, when the venue has imported history. */
  occupancyName?: string;
}

export const cities: SeedCity[] = [
  { code: '310000', name: '上海', timeZone: 'Asia/Shanghai' },
  { code: '110000', name: '北京', timeZone: 'Asia/Shanghai' },
  { code: '440300', name: '深圳', timeZone: 'Asia/Shanghai' },
  // Swiss municipalities keyed by their BFS number, the closest analogue to a Chinese adcode.
  { code: 'CH-261', name: 'Zürich', timeZone: 'Europe/Zurich' },
  { code: 'CH-230', name: 'Winterthur', timeZone: 'Europe/Zurich' },
  { code: 'CH-1711', name: 'Zug', timeZone: 'Europe/Zurich' },
  { code: 'CH-1061', name: 'Luzern', timeZone: 'Europe/Zurich' },
  { code: 'CH-4021', name: 'Baden', timeZone: 'Europe/Zurich' },
  { code: 'CH-2701', name: 'Basel', timeZone: 'Europe/Zurich' },
  { code: 'CH-351', name: 'Bern', timeZone: 'Europe/Zurich' },
  { code: 'CH-363', name: 'Ostermundigen', timeZone: 'Europe/Zurich' },
  { code: 'CH-928', name: 'Oberhofen am Thunersee', timeZone: 'Europe/Zurich' },
  { code: 'CH-96', name: 'Regensdorf', timeZone: 'Europe/Zurich' },
  { code: 'CH-194', name: 'Greifensee', timeZone: 'Europe/Zurich' },
];

const cn = (
  v: Omit<SeedVenue, 'capacity' | 'hours'> & Partial<Pick<SeedVenue, 'capacity' | 'hours'>>,
): SeedVenue => ({
  capacity: null,
  hours: ['06:00', '22:00'],
  ...v,
});

export const chineseVenues: SeedVenue[] = [
  cn({
    cityCode: '310000',
    slug: 'shanghai-stadium',
    name: '上海体育场',
    address: '徐汇区天钥桥路 666 号',
    lat: 31.1831,
    lng: 121.4375,
    sports: ['football', 'running'],
    capacity: 2000,
  }),
  cn({
    cityCode: '310000',
    slug: 'oriental-sports-center',
    name: '东方体育中心',
    address: '浦东新区泳耀路 300 号',
    lat: 31.1556,
    lng: 121.4871,
    sports: ['swimming', 'basketball'],
    capacity: 1500,
  }),
  cn({
    cityCode: '310000',
    slug: 'jingan-sports-center',
    name: '静安体育中心',
    address: '静安区江宁路 428 号',
    lat: 31.2352,
    lng: 121.4456,
    sports: ['basketball', 'badminton', 'swimming'],
    capacity: 400,
  }),
  cn({
    cityCode: '310000',
    slug: 'yuanshen-sports-center',
    name: '源深体育中心',
    address: '浦东新区源深路 655 号',
    lat: 31.2289,
    lng: 121.5338,
    sports: ['football', 'tennis'],
    capacity: 800,
  }),
  cn({
    cityCode: '310000',
    slug: 'hongkou-football-stadium',
    name: '虹口足球场',
    address: '虹口区东江湾路 444 号',
    lat: 31.2722,
    lng: 121.4806,
    sports: ['football', 'running'],
    capacity: 600,
  }),
  cn({
    cityCode: '310000',
    slug: 'xuhui-riverside-track',
    name: '徐汇滨江跑道',
    address: '徐汇区龙腾大道',
    lat: 31.1768,
    lng: 121.4626,
    sports: ['running', 'cycling'],
    capacity: null,
    hours: ['05:00', '23:00'],
  }),
  cn({
    cityCode: '310000',
    slug: 'lefit-peoples-square-24h',
    name: '乐刻运动 人民广场店（24 小时）',
    address: '黄浦区西藏中路 268 号',
    lat: 31.2329,
    lng: 121.4752,
    sports: ['gym'],
    capacity: 80,
    hours: 'all-day',
  }),
  cn({
    cityCode: '110000',
    slug: 'national-stadium',
    name: '国家体育场（鸟巢）',
    address: '朝阳区国家体育场南路 1 号',
    lat: 39.9929,
    lng: 116.3965,
    sports: ['running', 'football'],
    capacity: 3000,
    hours: ['09:00', '21:00'],
  }),
  cn({
    cityCode: '110000',
    slug: 'water-cube',
    name: '国家游泳中心（水立方）',
    address: '朝阳区天辰东路 11 号',
    lat: 39.993,
    lng: 116.3905,
    sports: ['swimming'],
    capacity: 1200,
    hours: ['09:00', '21:30'],
  }),
  cn({
    cityCode: '110000',
    slug: 'workers-stadium',
    name: '工人体育场',
    address: '朝阳区工人体育场北路',
    lat: 39.9331,
    lng: 116.4474,
    sports: ['football', 'running'],
    capacity: 1500,
  }),
  cn({
    cityCode: '110000',
    slug: 'olympic-forest-park',
    name: '奥林匹克森林公园',
    address: '朝阳区科荟路 33 号',
    lat: 40.0172,
    lng: 116.392,
    sports: ['running', 'cycling'],
    capacity: null,
    hours: ['06:00', '21:00'],
  }),
  cn({
    cityCode: '110000',
    slug: 'capital-gymnasium',
    name: '首都体育馆',
    address: '海淀区中关村南大街 56 号',
    lat: 39.9425,
    lng: 116.3325,
    sports: ['skating', 'basketball'],
    capacity: 700,
  }),
  cn({
    cityCode: '110000',
    slug: 'wukesong-arena',
    name: '五棵松体育馆',
    address: '海淀区复兴路 69 号',
    lat: 39.9072,
    lng: 116.2788,
    sports: ['basketball', 'ice-hockey'],
    capacity: 900,
  }),
  cn({
    cityCode: '110000',
    slug: 'lefit-guomao-24h',
    name: '乐刻运动 国贸店（24 小时）',
    address: '朝阳区建国门外大街 1 号',
    lat: 39.9087,
    lng: 116.4601,
    sports: ['gym'],
    capacity: 90,
    hours: 'all-day',
  }),
  cn({
    cityCode: '440300',
    slug: 'shenzhen-bay-sports-center',
    name: '深圳湾体育中心',
    address: '南山区滨海大道 3001 号',
    lat: 22.5202,
    lng: 113.9433,
    sports: ['tennis', 'swimming', 'running'],
    capacity: 1500,
  }),
  cn({
    cityCode: '440300',
    slug: 'universiade-center',
    name: '深圳大运中心',
    address: '龙岗区龙翔大道 3001 号',
    lat: 22.6983,
    lng: 114.2123,
    sports: ['football', 'swimming'],
    capacity: 2000,
  }),
  cn({
    cityCode: '440300',
    slug: 'shenzhen-sports-center',
    name: '深圳市体育中心',
    address: '福田区笋岗西路 3001 号',
    lat: 22.5512,
    lng: 114.0962,
    sports: ['basketball', 'badminton'],
    capacity: 800,
  }),
  cn({
    cityCode: '440300',
    slug: 'lianhuashan-park',
    name: '莲花山公园',
    address: '福田区红荔路 6030 号',
    lat: 22.5573,
    lng: 114.0563,
    sports: ['running', 'hiking'],
    capacity: null,
    hours: ['06:00', '22:00'],
  }),
  cn({
    cityCode: '440300',
    slug: 'xiangmi-sports-park',
    name: '香蜜体育公园',
    address: '福田区香蜜湖路',
    lat: 22.5461,
    lng: 114.0183,
    sports: ['football', 'basketball', 'running'],
    capacity: 500,
  }),
  cn({
    cityCode: '440300',
    slug: 'lefit-futian-24h',
    name: '乐刻运动 福田店（24 小时）',
    address: '福田区福华三路 88 号',
    lat: 22.5402,
    lng: 114.0572,
    sports: ['gym'],
    capacity: 70,
    hours: 'all-day',
  }),
];

const ch = (
  cityCode: string,
  slug: string,
  name: string,
  address: string,
  lat: number,
  lng: number,
): SeedVenue => ({
  cityCode,
  slug,
  name,
  address,
  lat,
  lng,
  sports: ['gym', 'group-fitness'],
  // No declared capacity: live levels are relative to the venue's own history.
  capacity: null,
  hours: ['06:00', '23:00'],
  occupancyName: name,
});

/** The 16 gyms of data/occupancy (Fitnesspark, Switzerland). Coordinates approximate. */
export const swissGyms: SeedVenue[] = [
  ch(
    'CH-4021',
    'fitnesspark-baden-trafo',
    'Fitnesspark Baden Trafo',
    'Brown Boveri Platz 1, 5400 Baden',
    47.4766,
    8.3067,
  ),
  ch(
    'CH-2701',
    'fitnesspark-basel-heuwaage',
    'Fitnesspark Basel Heuwaage',
    'Steinentorberg 8, 4051 Basel',
    47.552,
    7.5853,
  ),
  ch('CH-351', 'fitnesspark-bern-city', 'Fitnesspark Bern City', 'Bahnhofplatz, 3011 Bern', 46.948, 7.4399),
  ch(
    'CH-194',
    'fitnesspark-greifensee-milandia',
    'Fitnesspark Greifensee Milandia',
    'Milandia, 8606 Greifensee',
    47.354,
    8.683,
  ),
  ch(
    'CH-1061',
    'fitnesspark-luzern-allmend',
    'Fitnesspark Luzern Allmend',
    'Horwerstrasse 87, 6005 Luzern',
    47.033,
    8.305,
  ),
  ch(
    'CH-1061',
    'fitnesspark-luzern-national',
    'Fitnesspark Luzern National',
    'Haldenstrasse 4, 6006 Luzern',
    47.053,
    8.312,
  ),
  ch('CH-928', 'fitnesspark-oberhofen', 'Fitnesspark Oberhofen', '3653 Oberhofen am Thunersee', 46.73, 7.67),
  ch(
    'CH-363',
    'fitnesspark-ostermundigen-time-out',
    'Fitnesspark Ostermundigen Time-Out',
    '3072 Ostermundigen',
    46.957,
    7.487,
  ),
  ch('CH-96', 'fitnesspark-regensdorf', 'Fitnesspark Regensdorf', '8105 Regensdorf', 47.434, 8.469),
  ch('CH-230', 'fitnesspark-winterthur', 'Fitnesspark Winterthur', '8400 Winterthur', 47.5, 8.724),
  ch(
    'CH-1711',
    'fitnesspark-zug-eichstaette',
    'Fitnesspark Zug Eichstätte',
    'Eichstätte, 6300 Zug',
    47.179,
    8.513,
  ),
  ch(
    'CH-261',
    'fitnesspark-zuerich-glattpark',
    'Fitnesspark Zürich Glattpark',
    '8152 Glattpark (Opfikon)',
    47.417,
    8.555,
  ),
  ch(
    'CH-261',
    'fitnesspark-zuerich-puls-5',
    'Fitnesspark Zürich Puls 5',
    'Giessereistrasse 18, 8005 Zürich',
    47.388,
    8.518,
  ),
  ch(
    'CH-261',
    'fitnesspark-zuerich-sihlcity',
    'Fitnesspark Zürich Sihlcity',
    'Kalanderplatz 1, 8045 Zürich',
    47.359,
    8.523,
  ),
  ch(
    'CH-261',
    'fitnesspark-zuerich-stadelhofen',
    'Fitnesspark Zürich Stadelhofen',
    'Stadelhoferstrasse, 8001 Zürich',
    47.366,
    8.548,
  ),
  ch(
    'CH-261',
    'fitnesspark-zuerich-stockerhof',
    'Fitnesspark Zürich Stockerhof',
    'Dreikönigstrasse 21, 8002 Zürich',
    47.367,
    8.532,
  ),
];

/** Opening hours in the stored form: ISO weekday (1 = Monday) -> [[openMinute, closeMinute)]. */
export function openingHours(hours: SeedVenue['hours']): Record<string, Array<[number, number]>> {
  const minutes = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return h! * 60 + m!;
  };
  const span: [number, number] = hours === 'all-day' ? [0, 1440] : [minutes(hours[0]), minutes(hours[1])];
  return Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((day) => [String(day), [span]]));
}
