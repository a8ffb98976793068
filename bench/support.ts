// What the benchmarks share: free ports, a scratch PostgreSQL database, the real server process
// (built as `npm start` builds it), its memory from /proc, and signing in over HTTP.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A database of the run's own, made through an admin URL (`postgres://…/postgres`), and its drop. */
export async function scratchPgDatabase(adminUrl: string, prefix = 'kd_bench'): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The server's memory from /proc: resident now and its high-water mark (VmHWM), in MiB. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export interface AppServer {
  proc: ChildProcess;
  base: string;
  stop(): Promise<void>;
}

/** Builds the server (tsc) and starts `dist/server/main.js` with `env`; resolves once /healthz answers. */
export async function startAppServer(env: Record<string, string>, opts: { build?: boolean; nodeArgs?: string[] } = {}): Promise<AppServer> {
  if (opts.build !== false) execFileSync(process.execPath, ['node_modules/typescript-7/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const port = await freePort();
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), 'dist/server/main.js'], {
    // UNIT_GUARD off as in production: the guard's AsyncLocalStorage is a development and test aid.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development', UNIT_GUARD: 'off', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  // Up to ten minutes: a migration over ten million parcels (an index, a recount) runs first.
  for (const started = Date.now(); ;) {
    if (proc.exitCode !== null) throw new Error('the server exited while starting');
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (Date.now() - started > 600_000) {
        proc.kill('SIGKILL');
        throw new Error('the server did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    proc,
    base,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** The session cookie a sign-in answered (`sid=…`). */
function sessionCookie(res: Response): string {
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (!res.ok || !cookie.startsWith('sid=')) throw new Error(`sign-in failed: ${res.status}`);
  return cookie;
}

/** Signs staff in with username and password. */
export async function signInStaff(base: string, username: string, password: string): Promise<string> {
  return sessionCookie(
    await fetch(`${base}/api/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  );
}

/** Signs a registered courier in with an SMS code read from the development inbox. */
export async function signInCourier(base: string, phone: string): Promise<string> {
  const json = { 'content-type': 'application/json' };
  const otp = await fetch(`${base}/api/auth/otp`, { method: 'POST', headers: json, body: JSON.stringify({ phone, purpose: 'courier' }) });
  if (otp.status !== 204) throw new Error(`no code sent: ${otp.status}`);
  const inbox = (await (await fetch(`${base}/api/dev/messages?to=${phone}`)).json()) as { items: { text: string }[] };
  const code = /验证码是(\d{6})/.exec(inbox.items[0]?.text ?? '')?.[1];
  if (!code) throw new Error('no code in the development inbox');
  return sessionCookie(await fetch(`${base}/api/auth/courier/login`, { method: 'POST', headers: json, body: JSON.stringify({ phone, code }) }));
}
