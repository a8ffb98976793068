import { CARRIERS } from './carriers.js';

// Which carrier a tracking number looks like, from its well-known shape. It is only a hint shown to
// the courier, never a reason to refuse a number, so a shape claimed by two carriers (or by sources
// that disagree) gets no guess at all: null is better than a wrong name.
//
// Shapes were checked against what could be found of real numbers and of other systems' rules;
// notably left without a guess:
// - pure 12-digit numbers: old 顺丰 numbers, but also 中通, 申通, 安能 and others;
// - 43 + 11–13 digits: claimed for 韵达, 申通, 中通 and 邮政 alike;
// - 13 digits 10/11/50/51 (EMS by most sources, 韵达 by others), 95/97 (EMS or 邮政 by source),
//   12/52, and 9 + other second digits;
// - 申通 88/66 + 13 digits: claimed by a single source only;
// - 74 + 12 digits (中通 in one source only); YT + 16 digits is 云途 (YunExpress), not 圆通;
//   JD + 18 digits is DHL, not 京东.

/** Shapes in the order tried; they do not overlap, so the order is only for reading. */
const SHAPES: readonly (readonly [RegExp, string])[] = [
  [/^SF\d{12,13}$/, '顺丰速运'], // SF1234567890123
  [/^JD(?:[A-Z]{2}\d{11}|[A-Z]\d{12})$/, '京东快递'], // JDVA11408814483, JDX001234567890
  [/^YT\d{12,15}$/, '圆通速递'], // YT7501234567890
  [/^JT\d{13}$/, '极兔速递'], // JT0006968326954 (also 百世's numbers since J&T took it over)
  [/^DPK\d{10,13}$/, '德邦快递'], // DPK364112047425
  [/^7[3568]\d{12}$/, '中通快递'], // 75761365043766: 14 digits
  [/^77\d{12,13}$/, '申通快递'], // 77632957076153, 773012345678901
  [/^(?:31|46)\d{11,13}$/, '韵达快递'], // 462598779470531, 31866359263298
  [/^9[689]\d{11}$/, '中国邮政'], // 9812345678901: 邮政快递包裹
];

/** UPU S10 international items: 2 letters, 8 digits + a check digit, country; China Post's end in CN. */
const S10 = /^([A-Z])[A-Z](\d{8})(\d)CN$/;
/** By the service letter: E is EMS; R (registered) and C (parcels) are China Post's. */
const S10_SERVICE: Readonly<Record<string, string>> = { E: 'EMS', R: '中国邮政', C: '中国邮政' };

// Every name above must be one of the stored carriers; a typo fails at load, not as a bad hint.
const STORED = new Set(CARRIERS.map((c) => c.name));
for (const name of [...SHAPES.map(([, n]) => n), ...Object.values(S10_SERVICE)]) {
  if (!STORED.has(name)) throw new Error(`carrier-guess: ${name} is not in CARRIERS`);
}

/**
 * The stored carrier name (`顺丰速运`, `EMS`, …) that a tracking number's format points to, or null
 * when the format is unknown or shared by several carriers. Spaces, full-width characters and case
 * are ignored.
 */
export function guessCarrier(trackingNo: string): string | null {
  const no = trackingNo.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  const s10 = S10.exec(no);
  if (s10) {
    const [, service = '', serial = '', check = ''] = s10;
    return s10CheckDigit(serial) === Number(check) ? (S10_SERVICE[service] ?? null) : null;
  }
  for (const [shape, name] of SHAPES) if (shape.test(no)) return name;
  return null;
}

/** The S10 check digit of 8 serial digits: weights 8 6 4 2 3 5 9 7, 11 − sum mod 11, 10 → 0, 11 → 5. */
function s10CheckDigit(serial: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...serial].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 0 : c === 11 ? 5 : c;
}
