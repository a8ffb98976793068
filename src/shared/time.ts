/** China has one time zone and no daylight saving: Shanghai time is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** `2025-12-21 10:48` in Asia/Shanghai, or `12-21 10:48` (the list's form) with `short`. */
export function formatShanghai(iso: string | null, short = false): string {
  if (!iso) return '';
  const t = new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString();
  const text = `${t.slice(0, 10)} ${t.slice(11, 16)}`;
  return short ? text.slice(5) : text;
}

/** The day (`2026-01-08`) and the hour (0–23) in Asia/Shanghai of an instant. */
export function shanghaiDayHour(at: Date): { day: string; hour: number } {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return { day: local.toISOString().slice(0, 10), hour: local.getUTCHours() };
}

/**
 * A filter's bound as an instant: a day (`2026-01-08`, in Shanghai) starts at 16:00 UTC the day
 * before, and as an upper bound (`endOfDay`) it ends where the next day starts; an ISO instant as is.
 */
export function boundInstant(v: string | undefined, endOfDay: boolean): string | undefined {
  if (v === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(Date.parse(`${v}T00:00:00+08:00`) + (endOfDay ? 86_400_000 : 0)).toISOString();
  return new Date(v).toISOString();
}

/** RFC 3339 in Asia/Shanghai without fractions (`2026-01-08T15:30:00+08:00`), as WeChat Pay writes times. */
export function shanghaiIso(at: Date): string {
  return `${new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
