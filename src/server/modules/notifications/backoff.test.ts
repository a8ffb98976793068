import { describe, expect, it } from 'vitest';
import { backoffMs } from './delivery.js';

describe('outbox backoff', () => {
  it('doubles from 5 s with ±25 % jitter and stops growing at an hour', () => {
    expect(backoffMs(1, () => 0.5)).toBe(5_000);
    expect(backoffMs(2, () => 0.5)).toBe(10_000);
    expect(backoffMs(4, () => 0.5)).toBe(40_000);
    expect(backoffMs(1, () => 0)).toBe(3_750);
    expect(backoffMs(1, () => 1)).toBe(6_250);
    expect(backoffMs(30, () => 0.5)).toBe(3_600_000);
  });
});
