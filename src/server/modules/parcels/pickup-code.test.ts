import { describe, expect, it } from 'vitest';
import { randomPickupCode } from './pickup-code.js';

describe('pickup codes', () => {
  it('are 6 digits, leading zeros kept', () => {
    for (let i = 0; i < 2000; i++) expect(randomPickupCode()).toMatch(/^\d{6}$/);
  });
  it('spread over the whole range (not sequential, not clustered)', () => {
    const n = 20_000;
    const codes = Array.from({ length: n }, () => Number(randomPickupCode()));
    // Ten buckets of 100,000 each get about n/10; a chi-square over 9 degrees of freedom stays far below 40.
    const buckets = new Array<number>(10).fill(0);
    for (const c of codes) buckets[Math.floor(c / 100_000)] = (buckets[Math.floor(c / 100_000)] ?? 0) + 1;
    const expected = n / 10;
    const chi = buckets.reduce((a, b) => a + (b - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(40);
    // Consecutive codes are unrelated: few neighbours differ by exactly one.
    let steps = 0;
    for (let i = 1; i < n; i++) if (Math.abs((codes[i] ?? 0) - (codes[i - 1] ?? 0)) === 1) steps++;
    expect(steps).toBeLessThan(5);
    expect(new Set(codes).size).toBeGreaterThan(n * 0.98);
  });
});
