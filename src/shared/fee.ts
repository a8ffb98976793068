import { DAY_MS } from './constants.js';

/**
 * The custody fee rule of SPEC.md §5: rate × ⌊hours since receipt ÷ 24⌋, in fen.
 * The first 24 hours are free; a waived fee is 0; a parcel not yet received owes nothing.
 */
export function custodyFeeFen(args: { receivedAt: string | Date | null; feeRateFen: number; waived: boolean; now: Date }): number {
  if (args.waived || args.receivedAt === null) return 0;
  const received = typeof args.receivedAt === 'string' ? Date.parse(args.receivedAt) : args.receivedAt.getTime();
  const elapsed = args.now.getTime() - received;
  if (elapsed <= 0) return 0;
  return args.feeRateFen * Math.floor(elapsed / DAY_MS);
}

/** `¥36.00` for 3600 fen. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `2元/天`, `1.5元/天`, `0元/天`: the rate as the guide writes it. */
export function formatRatePerDay(feeRateFen: number): string {
  return `${yuan(feeRateFen)}元/天`;
}

/** 150 → "1.5", 200 → "2", 5 → "0.05". */
export function yuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  if (cents === 0) return String(whole);
  return `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}
