import { describe, expect, it } from 'vitest';
import { customParams, isDay, MAX_DAYS, presetParams, presetRange, readView, shanghaiToday, spanDays } from './range.js';

describe('数据看板’s range', () => {
  it('counts days on the calendar, in Shanghai', () => {
    // 16:30 UTC is half past midnight the next day in Shanghai.
    expect(shanghaiToday(new Date('2026-01-07T16:30:00.000Z'))).toBe('2026-01-08');
    expect(spanDays('2026-01-08', '2026-01-08')).toBe(1);
    expect(spanDays('2025-12-31', '2026-03-01')).toBe(61);
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-1-8')).toBe(false);
  });

  it('gives each preset its days, ending today', () => {
    expect(presetRange('today', '2026-03-01')).toEqual({ from: '2026-03-01', to: '2026-03-01' });
    expect(presetRange('7d', '2026-03-01')).toEqual({ from: '2026-02-23', to: '2026-03-01' });
    expect(presetRange('30d', '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(presetRange('month', '2026-03-01')).toEqual({ from: '2026-03-01', to: '2026-03-01' });
    expect(presetRange('month', '2026-01-20')).toEqual({ from: '2026-01-01', to: '2026-01-20' });
  });

  it('reads the address: custom days when valid, else the preset named, else 近7天', () => {
    const read = (q: Record<string, string>) => readView({ range: '', from: '', to: '', communityId: '', ...q }, '2026-01-08');
    expect(read({})).toEqual({ kind: '7d', from: '2026-01-02', to: '2026-01-08', communityId: undefined });
    expect(read({ range: '30d', communityId: '12' })).toEqual({ kind: '30d', from: '2025-12-10', to: '2026-01-08', communityId: 12 });
    expect(read({ from: '2025-12-01', to: '2025-12-31', range: 'today' })).toMatchObject({ kind: 'custom', from: '2025-12-01', to: '2025-12-31' });
    // Backwards, longer than the server answers, not a day, a community that is not an id: the defaults.
    expect(read({ from: '2026-01-08', to: '2026-01-01' }).kind).toBe('7d');
    const tooLong = { from: '2024-01-01', to: '2026-01-01' };
    expect(spanDays(tooLong.from, tooLong.to)).toBeGreaterThan(MAX_DAYS);
    expect(read(tooLong).kind).toBe('7d');
    expect(read({ from: '2026-02-30', to: '2026-03-01', range: 'month' }).kind).toBe('month');
    expect(read({ communityId: '0' }).communityId).toBeUndefined();
    expect(read({ communityId: '3x' }).communityId).toBeUndefined();
  });

  it('writes a bare address for 近7天 and clears the other kind’s parameters', () => {
    expect(presetParams('7d')).toEqual({ range: undefined, from: undefined, to: undefined });
    expect(presetParams('month')).toEqual({ range: 'month', from: undefined, to: undefined });
    expect(customParams('2026-01-01', '2026-01-08')).toEqual({ range: undefined, from: '2026-01-01', to: '2026-01-08' });
  });
});
