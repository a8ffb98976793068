import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { courierXlsx, HUARUN } from './spreadsheets.js';
import { loginDemoAdmin, scratchPgDatabase, startServer, stopServer } from './server-process.js';

// The memory tests' server: the real server process, built as `npm start` builds it, that takes
// hostile and maximal files one after another while its peak resident memory (VmHWM) is watched.
// Each memory test file starts its own, so the files run side by side.

export const LIMIT_MB = 300;
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-mem-'));
const pgBase = inject('pgAdminUrl');
let scratch: Awaited<ReturnType<typeof scratchPgDatabase>> | undefined;
const servers: ChildProcess[] = [];

/** Peak and current resident memory of a process, in MB. */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/** The built server (the test command builds it first; this makes the file runnable on its own), and removes it all afterwards. */
export function useBuiltServer(): void {
  beforeAll(async () => {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--server'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('building the server failed');
    if (pgBase) scratch = await scratchPgDatabase(pgBase, 'kd_mem');
  }, 120_000);

  afterAll(async () => {
    for (const proc of servers) await stopServer(proc);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  });
}

/** A fresh server process with the demo admin signed in; `send` uploads a courier file. */
export async function server() {
  const { proc, base } = await startServer([path.join(root, 'dist/server/main.js')], {
    DATA_DIR: dataDir,
    DATABASE_URL: scratch?.url ?? '',
    LOG_LEVEL: 'warn',
  });
  servers.push(proc);
  const pid = proc.pid;
  if (!pid) throw new Error('no pid');
  const cookie = await loginDemoAdmin(base);
  const figures: string[] = [];
  return {
    proc,
    async send(file: Buffer, name: string) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(file)]), name);
      const r = await fetch(`${base}/api/couriers/import`, { method: 'POST', headers: { cookie }, body: form });
      return { status: r.status, body: (await r.json()) as { error?: string; created?: number; updated?: number; failed?: number } };
    },
    /** Notes the peak/current RSS after a step. */
    note(what: string) {
      const m = memoryOf(pid);
      figures.push(`${what} ${m.peak.toFixed(0)}/${m.now.toFixed(0)}`);
    },
    report(title: string) {
      const m = memoryOf(pid);
      process.stdout.write(
        `\n[spreadsheets-memory] ${title}: server VmHWM ${m.peak.toFixed(1)} MB (RSS now ${m.now.toFixed(1)} MB; limit ${LIMIT_MB} MB)\n` +
          `[spreadsheets-memory]   peak/current RSS in MB after each step: ${figures.join(', ')}\n`,
      );
      return m.peak;
    },
  };
}

/** Uploads each file three times, checking its answer, with the maximal valid file after each round. */
export async function rounds(s: Awaited<ReturnType<typeof server>>, files: [string, Buffer, string | string[]][]) {
  const max = await courierXlsx(10_000, HUARUN);
  s.note('start-up');
  for (let round = 1; round <= 3; round++) {
    for (const [what, file, error] of files) {
      const r = await s.send(file, 'upload.xlsx');
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(400);
      expect([error].flat(), what).toContain(r.body.error);
      if (round === 1) s.note(what);
    }
    const ok = await s.send(max, 'max.xlsx');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.failed).toBe(0);
    expect((ok.body.created ?? 0) + (ok.body.updated ?? 0)).toBe(10_000);
    s.note(`round ${round} + 10,000 rows`);
  }
}
