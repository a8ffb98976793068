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
