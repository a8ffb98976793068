// What the fill's rows are made of: Chinese names, phones and homes for people, the carriers'
// tracking-number shapes, and the span of the history.
import { DAY_MS } from '../../src/shared/constants.js';
import { digits, pick, randDigits } from './random.js';

export const HOUR = 3_600_000;
export const YEARS_3 = 3 * 365 * DAY_MS;

export const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// People: names, phones, homes.

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫斌宇浩凯健俊帆帅旭宁龙林欣佳怡雪梅琳晨辰昊然子涵梓轩一诺思远雨萱博文欣怡浩宇诗涵志强建国国强海燕晓东丹丹婷婷';

export function chineseName(h: number): string {
  const surname = SURNAMES[h % SURNAMES.length] ?? '王';
  const g1 = GIVEN[(h >>> 8) % GIVEN.length] ?? '伟';
  // About a third of names have one given character, the rest two.
  if ((h >>> 20) % 3 === 0) return surname + g1;
  return surname + g1 + (GIVEN[(h >>> 14) % GIVEN.length] ?? '华');
}

// Residents, strangers and couriers draw from different prefixes, so a stranger's parcel never
// lands on a resident's phone by chance (it would be linked to them) and phones stay unique.
const RESIDENT_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '157',
  '158',
  '159',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
];
export const STRANGER_PREFIXES = ['166', '172', '173', '175', '176', '177', '178', '191', '193', '195', '196', '198', '199'];
export const COURIER_PREFIX = '134';

/** Resident i's phone: unique for every i below 26 × 10^8 (an affine permutation of the 8 digits). */
export function residentPhone(i: number, seed: number): string {
  const k = Math.floor(i / RESIDENT_PREFIXES.length);
  // The prefix's own offset keeps neighbours (same k, different prefix) from sharing their last 8 digits.
  const prefix = i % RESIDENT_PREFIXES.length;
  return pick(RESIDENT_PREFIXES, prefix) + digits((k * 7919 + prefix * 3_846_151 + (seed % 1000) * 104_729 + 1_234_567) % 100_000_000, 8);
}

export interface Home {
  building: string;
  unit: string;
  room: string;
}

export function residentHome(h: number): Home {
  return {
    building: String(1 + (h % 28)),
    unit: String(1 + ((h >>> 5) % 4)),
    room: `${1 + ((h >>> 8) % 32)}0${1 + ((h >>> 13) % 4)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Carriers and their tracking-number shapes (src/shared/carrier-guess.ts recognises every one).
// The low 8 digits are a permutation of a per-carrier counter: unique overall (prefixes differ),
// yet not sequential-looking.

export interface CarrierShape {
  name: string;
  /** Relative share of parcels. */
  weight: number;
  make(serial: string, r: () => number): string;
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** The S10 check digit (as carrier-guess checks it), so EMS numbers are recognised. */
function s10Check(serial: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial[i]) * (weights[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 0 : c === 11 ? 5 : c;
}

export const SHAPES: readonly CarrierShape[] = [
  { name: '中通快递', weight: 22, make: (s, r) => `75${randDigits(r, 4)}${s}` },
  { name: '圆通速递', weight: 18, make: (s, r) => `YT${randDigits(r, 5)}${s}` },
  { name: '韵达快递', weight: 15, make: (s, r) => `46${randDigits(r, 5)}${s}` },
  { name: '申通快递', weight: 10, make: (s, r) => `77${randDigits(r, 5)}${s}` },
  { name: '顺丰速运', weight: 10, make: (s, r) => `SF${randDigits(r, 5)}${s}` },
  { name: '极兔速递', weight: 9, make: (s, r) => `JT${randDigits(r, 5)}${s}` },
  { name: '京东快递', weight: 8, make: (s, r) => `JD${pick(LETTERS, Math.floor(r() * 24))}${pick(LETTERS, Math.floor(r() * 24))}${randDigits(r, 3)}${s}` },
  { name: '中国邮政', weight: 4, make: (s, r) => `98${randDigits(r, 3)}${s}` },
  { name: 'EMS', weight: 2, make: (s, r) => `E${pick(LETTERS, Math.floor(r() * 24))}${s}${s10Check(s)}CN` },
  { name: '德邦快递', weight: 2, make: (s, r) => `DPK${randDigits(r, 4)}${s}` },
];

/** Counter k → 8 digits, a bijection on 0..10^8−1 (7_654_321 is coprime with 10^8). */
export function serial8(k: number): string {
  return digits((k * 7_654_321 + 13_579_135) % 100_000_000, 8);
}
