import { describe, expect, it } from 'vitest';
import { guessCarrier } from './carrier-guess.js';
import { CARRIERS } from './carriers.js';

const guesses: readonly (readonly [string, string])[] = [
  ['SF1234567890123', '顺丰速运'],
  ['SF144563281234', '顺丰速运'],
  ['JDVA11408814483', '京东快递'],
  ['JDX001234567890', '京东快递'],
  ['YT7501234567890', '圆通速递'],
  ['YT894185215852', '圆通速递'],
  ['JT0006968326954', '极兔速递'],
  ['DPK364112047425', '德邦快递'],
  ['75761365043766', '中通快递'],
  ['78912345678901', '中通快递'],
  ['73100012345678', '中通快递'],
  ['77632957076153', '申通快递'],
  ['773012345678901', '申通快递'],
  ['462598779470531', '韵达快递'],
  ['31866359263298', '韵达快递'],
  ['3101234567890', '韵达快递'],
  ['EA123456785CN', 'EMS'],
  ['9812345678901', '中国邮政'],
  ['9912345678901', '中国邮政'],
  ['RR123456785CN', '中国邮政'],
  ['CP473124829CN', '中国邮政'],
];

describe('guessCarrier: the carrier a tracking number looks like', () => {
  it.each(guesses)('%s → %s', (no, carrier) => {
    expect(guessCarrier(no)).toBe(carrier);
  });

  it('only ever answers with a stored carrier name', () => {
    const stored = new Set(CARRIERS.map((c) => c.name));
    for (const [no] of guesses) expect(stored.has(guessCarrier(no) ?? '')).toBe(true);
  });

  it('ignores spaces, case and full-width characters', () => {
    expect(guessCarrier('  sf1234567890123 ')).toBe('顺丰速运');
    expect(guessCarrier('SF 1234 5678 90123')).toBe('顺丰速运');
    expect(guessCarrier('ＳＦ１２３４５６７８９０１２３')).toBe('顺丰速运');
    expect(guessCarrier('jdva11408814483')).toBe('京东快递');
    expect(guessCarrier('ea123456785cn')).toBe('EMS');
  });

  it('gives no guess for shapes several carriers use', () => {
    expect(guessCarrier('123456789012')).toBeNull(); // 12 digits: old 顺丰, but 中通, 安能… too
    expect(guessCarrier('300527476792')).toBeNull();
    expect(guessCarrier('432542035598773')).toBeNull(); // 43…: 韵达, 申通, 中通 or 邮政
    expect(guessCarrier('4309597495550')).toBeNull();
    expect(guessCarrier('9712345678901')).toBeNull(); // 95/97: EMS or 邮政 by source
    expect(guessCarrier('1100123456789')).toBeNull(); // 10/11/50/51: EMS or 韵达 by source
    expect(guessCarrier('1240921381750')).toBeNull();
    expect(guessCarrier('88123456789012')).toBeNull();
    expect(guessCarrier('74123456789012')).toBeNull();
  });

  it('gives no guess for look-alikes of other carriers', () => {
    expect(guessCarrier('YT1234567890123456')).toBeNull(); // YT + 16 digits: 云途 (YunExpress)
    expect(guessCarrier('JD014600006281133181')).toBeNull(); // JD + 18 digits: DHL
    expect(guessCarrier('EE123456785US')).toBeNull(); // another country's post
    expect(guessCarrier('LK123456785CN')).toBeNull(); // S10 service letters other than E, R, C
  });

  it('gives no guess for an S10 number whose check digit is wrong', () => {
    expect(guessCarrier('EA123456784CN')).toBeNull();
    expect(guessCarrier('RR123456780CN')).toBeNull();
  });

  it('gives no guess for junk', () => {
    for (const junk of ['', '   ', '顺丰', 'hello', 'SF12345', 'SF1234567890123-1-1', '7576136504376', '757613650437661', 'JT000696832695X']) {
      expect(guessCarrier(junk), junk).toBeNull();
    }
  });
});
