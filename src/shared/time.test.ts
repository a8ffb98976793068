import { describe, expect, it } from 'vitest';
import { formatShanghai } from './time.js';

describe('times on screen', () => {
  it('shows UTC instants in Asia/Shanghai, across the date line of UTC', () => {
    expect(formatShanghai('2025-12-21T02:48:00.000Z')).toBe('2025-12-21 10:48');
    expect(formatShanghai('2026-01-07T16:30:00.000Z', true)).toBe('01-08 00:30');
    expect(formatShanghai(null)).toBe('');
  });
});
