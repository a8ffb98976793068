import { describe, expect, it } from 'vitest';
import { custodyFeeFen, formatFen, formatRatePerDay, yuan } from './fee.js';

const received = '2025-12-21T02:48:00.000Z'; // 12-21 10:48 in Shanghai
const at = (iso: string) => new Date(iso);

describe('custody fee: rate × ⌊hours since receipt ÷ 24⌋', () => {
  it('is free for the first 24 hours: 23 h 59 min → 0', () => {
    expect(custodyFeeFen({ receivedAt: received, feeRateFen: 200, waived: false, now: at('2025-12-22T02:47:00.000Z') })).toBe(0);
  });
  it('charges one day at exactly 24 h', () => {
    expect(custodyFeeFen({ receivedAt: received, feeRateFen: 200, waived: false, now: at('2025-12-22T02:48:00.000Z') })).toBe(200);
  });
  it('reproduces the guide: received 12-21 10:48 at 2元/天, picked up 01-08 15:30 → ¥36.00', () => {
    const fee = custodyFeeFen({ receivedAt: received, feeRateFen: 200, waived: false, now: at('2026-01-08T07:30:00.000Z') });
    expect(fee).toBe(3600);
    expect(formatFen(fee)).toBe('¥36.00');
  });
  it('is 0 once waived, before receipt, and for a clock behind the receipt', () => {
    const now = at('2026-01-08T07:30:00.000Z');
    expect(custodyFeeFen({ receivedAt: received, feeRateFen: 200, waived: true, now })).toBe(0);
    expect(custodyFeeFen({ receivedAt: null, feeRateFen: 200, waived: false, now })).toBe(0);
    expect(custodyFeeFen({ receivedAt: received, feeRateFen: 200, waived: false, now: at('2025-12-20T00:00:00.000Z') })).toBe(0);
  });
  it('uses the rate it is given (the rate at receipt), e.g. 1.5元/天 over 3 days', () => {
    expect(custodyFeeFen({ receivedAt: received, feeRateFen: 150, waived: false, now: at('2025-12-24T03:00:00.000Z') })).toBe(450);
  });
});

describe('money on screen', () => {
  it('formats fen as ¥ with two decimals and rates as the guide writes them', () => {
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(123456)).toBe('¥1234.56');
    expect(formatRatePerDay(200)).toBe('2元/天');
    expect(formatRatePerDay(150)).toBe('1.5元/天');
    expect(formatRatePerDay(0)).toBe('0元/天');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(1010)).toBe('10.1');
  });
});
