import { describe, expect, it } from 'vitest';
import { formatShanghai, shanghaiDayHour } from './time.js';

describe('times on screen', () => {
  it('shows UTC instants in Asia/Shanghai, across the date line of UTC', () => {
    expect(formatShanghai('2025-12-21T02:48:00.000Z')).toBe('2025-12-21 10:48');
    expect(formatShanghai('2026-01-07T16:30:00.000Z', true)).toBe('01-08 00:30');
    expect(formatShanghai(null)).toBe('');
  });

  it('tells the day and hour in Asia/Shanghai (the reminders’ clock)', () => {
    expect(shanghaiDayHour(new Date('2026-03-02T02:30:00.000Z'))).toEqual({ day: '2026-03-02', hour: 10 });
    expect(shanghaiDayHour(new Date('2026-03-01T16:05:00.000Z'))).toEqual({ day: '2026-03-02', hour: 0 });
  });
});
