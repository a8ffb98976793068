// Times as the console shows them: Asia/Shanghai whatever the browser's zone (SPEC §2).
const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function parts(iso: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of PARTS.formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

/** `12-21 10:48`, the lists' format. */
export function shortTime(iso: string): string {
  const p = parts(iso);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `2025-12-21 10:48:05`, for a tooltip or a detail. */
export function fullTime(iso: string): string {
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
