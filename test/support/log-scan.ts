/**
 * The scan of the whole suite's logs for what must never be logged: full phone numbers, sign-in
 * codes and pickup codes (six digits), passwords and session tokens. The test command gives each
 * pass a TEST_LOG_DIR; every app the tests build (and every server process they start) logs there
 * at `info`, and this scan runs over the directory after the pass:
 *   tsx test/support/log-scan.ts <dir>
 * It prints what it read and fails on any finding (shown cut to its last 4 characters).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The passwords the tests and the demo data use (a logged body or a lost redaction would show them). */
const PASSWORDS = ['admin-pass-123', 'clerk-pass-123', 'admin123456', 'clerk123456', 'wrong-pass-456', 'new-pass-456'];

/** Numbers of pino's own, not of the request: a timestamp, a process id, a duration. */
const OWN_FIELDS = new Set(['time', 'pid', 'responseTime', 'hostname']);

const RULES: { name: string; re: RegExp }[] = [
  { name: 'phone', re: /(?<![\d])1[3-9]\d{9}(?!\d)/g },
  { name: 'six-digit code', re: /(?<![\d.])\d{6}(?![\d])/g },
  // A session token: 16 random bytes in base64url, 22 characters with letters of both cases and a digit.
  { name: 'session token', re: /(?<![\w-])(?=[\w-]{0,21}\d)(?=[\w-]{0,21}[a-z])(?=[\w-]{0,21}[A-Z])[\w-]{22}(?![\w-])/g },
  { name: 'password', re: new RegExp(PASSWORDS.map((p) => p.replace(/[-]/g, '\\-')).join('|'), 'g') },
];

export interface Finding {
  rule: string;
  /** The finding cut to its last 4 characters, so the report leaks nothing itself. */
  tail: string;
  line: number;
  file: string;
}

/** The strings of a logged object worth scanning (not pino's own numbers). */
function strings(value: unknown, key = '', out: string[] = []): string[] {
  if (OWN_FIELDS.has(key)) return out;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number') out.push(String(value));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, k, out);
  return out;
}

/** What one log line holds that it must not; a line that is not JSON is scanned whole. */
export function scanLine(line: string): { rule: string; match: string }[] {
  let texts: string[];
  try {
    texts = strings(JSON.parse(line));
  } catch {
    texts = [line];
  }
  const found: { rule: string; match: string }[] = [];
  // The web apps' built files are named by content hashes that look like tokens.
  for (const text of texts.filter((t) => !t.startsWith('/assets/')))
    for (const r of RULES) for (const m of text.matchAll(r.re)) found.push({ rule: r.name, match: m[0] });
  return found;
}

export function scanDir(dir: string): { files: number; lines: number; findings: Finding[] } {
  let lines = 0;
  const findings: Finding[] = [];
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.log')) : [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    text.split('\n').forEach((l, i) => {
      if (!l.trim()) return;
      lines++;
      for (const f of scanLine(l)) findings.push({ rule: f.rule, tail: `…${f.match.slice(-4)}`, line: i + 1, file });
    });
  }
  return { files: files.length, lines, findings };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: log-scan.ts <dir>');
  const { files, lines, findings } = scanDir(dir);
  process.stdout.write(`[log scan] ${lines} log lines in ${files} files: ${findings.length} findings\n`);
  for (const f of findings.slice(0, 20)) process.stdout.write(`  ${f.rule} ${f.tail} at ${f.file}:${f.line}\n`);
  process.exit(findings.length > 0 || lines === 0 ? 1 : 0);
}
