// 数据看板's range and community as the address holds them: a preset (`?range=30d`; 近7天 is the
// default and leaves the address bare) or 自定义 days (`?from=2026-01-01&to=2026-01-08`), and
// `?communityId=`. Days are Asia/Shanghai days, as the server counts them, whatever the browser's
// own time zone; day arithmetic is on the calendar (UTC dates), never on local midnights.
import { shanghaiDayHour } from '../../../../shared/time.js';

export const PRESETS = ['today', '7d', '30d', 'month'] as const;
export type Preset = (typeof PRESETS)[number];
export type RangeKind = Preset | 'custom';

/** The address's parameters, as useListParams reads them. */
export const VIEW_PARAMS = ['range', 'from', 'to', 'communityId'] as const;

/** The longest range the server answers (MAX_STATS_DAYS of the stats service). */
export const MAX_DAYS = 400;

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What the page shows: the range (both days included) and the community (none: all of the caller's). */
export interface StatsView {
  kind: RangeKind;
  from: string;
  to: string;
  communityId?: number;
}

/** The stats calls' query. */
export type StatsQuery = Pick<StatsView, 'from' | 'to' | 'communityId'>;

/** `2026-01-08` plus `n` days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** How many days a range holds, both ends included. */
export function spanDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** A real calendar day (`2026-02-30` is not). */
export function isDay(text: string | undefined): text is string {
  return text !== undefined && DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && addDays(text, 0) === text;
}

/** Today in Shanghai. */
export function shanghaiToday(now: Date = new Date()): string {
  return shanghaiDayHour(now).day;
}

/** A preset's days, ending today. */
export function presetRange(preset: Preset, today: string): { from: string; to: string } {
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case '7d':
      return { from: addDays(today, -6), to: today };
    case '30d':
      return { from: addDays(today, -29), to: today };
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today };
  }
}

/**
 * The view an address describes. Custom days win when both are real days, in order and at most
 * MAX_DAYS apart; anything else (an old link, a typo) reads as the preset named, else 近7天.
 */
export function readView(filters: Record<string, string>, today: string): StatsView {
  const communityId = /^\d{1,15}$/.test(filters.communityId ?? '') && Number(filters.communityId) > 0 ? Number(filters.communityId) : undefined;
  const { from, to } = filters;
  if (isDay(from) && isDay(to) && from <= to && spanDays(from, to) <= MAX_DAYS) return { kind: 'custom', from, to, communityId };
  const kind = PRESETS.find((p) => p === filters.range) ?? '7d';
  return { kind, ...presetRange(kind, today), communityId };
}

/** The address's parameters for a preset (undefined clears one). */
export function presetParams(preset: Preset): Record<'range' | 'from' | 'to', string | undefined> {
  return { range: preset === '7d' ? undefined : preset, from: undefined, to: undefined };
}

/** The address's parameters for custom days. */
export function customParams(from: string, to: string): Record<'range' | 'from' | 'to', string | undefined> {
  return { range: undefined, from, to };
}
