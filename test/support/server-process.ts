import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import pg from 'pg';
import { suiteLogStream } from './suite-log.js';

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  proc: ChildProcess;
  base: string;
  /** Everything the process wrote so far. */
  output(): string;
}

/**
 * Starts a real server process (`args` after node, e.g. a built main.js, or tsx and main.ts) on
 * `port` (a free one when absent) with the given environment, and waits until /healthz answers.
 */
export async function startServer(args: string[], env: Record<string, string>, port?: number): Promise<ServerProcess> {
  port ??= await freePort();
  let out = '';
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = suiteLogStream('server');
  proc.stdout?.on('data', (d: Buffer) => ((out += d.toString()), log?.write(d)));
  proc.stderr?.on('data', (d: Buffer) => ((out += d.toString()), log?.write(d)));
  proc.once('exit', () => log?.end());
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { proc, base, output: () => out };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops a server with SIGTERM and answers its exit code. */
export async function stopServer(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  return exited;
}

/** A fresh PostgreSQL database made through `adminUrl`, for a server process of its own. */
export async function scratchPgDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  const query = async (text: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  await query(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Signs the demo admin in over HTTP and answers the session cookie (`sid=…`). */
export async function loginDemoAdmin(base: string): Promise<string> {
  const r = await fetch(`${base}/api/auth/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'admin123456' }),
  });
  if (r.status !== 200) throw new Error(`demo admin sign-in answered ${r.status}`);
  return (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}
