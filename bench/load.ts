/**
 * Load runs from a process of their own: runLoad hands a Scenario to bench/load-worker.ts, which
 * drives autocannon and answers with one JSON line. On a 2-core machine the load generator must not
 * share the server's event loop (or its CPU accounting), hence the separate process.
 *
 * Placeholders in a RequestSpec's path, header values and body are filled per request by the worker:
 *   {{uuid}}           a fresh UUID (an Idempotency-Key, a tracking number)
 *   {{seq}}            a counter shared by all connections, from scenario.seqStart (default 1)
 *   {{pick:list}}      the next value of scenario.lists[list], round-robin across all connections
 *   {{ctx:name}}       a value an earlier request of the same chain captured (see RequestSpec.capture)
 * Within one request every occurrence of the same token gets the same value; write {{uuid:a}} and
 * {{uuid:b}} (any label after a colon) for two different ones. In a path, values are URL-encoded;
 * in an object body, a string that is exactly one token becomes the raw JSON value (so
 * `{ feeFen: '{{ctx:feeFen}}' }` sends a number when the captured value is a number).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A JSON value, as a request body or a captured value may hold. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One HTTP request of a scenario; the scenario's requests run in order on each connection, over and over. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, relative to the scenario's url; may hold placeholders. */
  path: string;
  /** Header values may hold placeholders. */
  headers?: Record<string, string>;
  /** A string is sent as is (after placeholders); anything else as JSON, with content-type application/json. */
  body?: Json;
  /**
   * Values to keep from this request's 2xx JSON answer for the next requests of the chain:
   * context name → dotted path into the answer, e.g. `{ id: 'items.0.id', feeFen: 'items.0.feeFen' }`.
   * When a later request needs a value that was not captured (no match, non-2xx), autocannon
   * restarts the chain from the first request; LoadResult.resets counts those restarts.
   */
  capture?: Record<string, string>;
}

/** What to run: a named list of requests against one base URL. */
export interface Scenario {
  name: string;
  /** Base URL, e.g. http://127.0.0.1:3000 (a path prefix is kept). */
  url: string;
  /** Concurrent connections (default 10), each with one request in flight. */
  connections?: number;
  /** Length of the run (default 10 s); ignored when `amount` is given. */
  durationSeconds?: number;
  /** Total number of requests to make instead of running for a duration. */
  amount?: number;
  /** Seconds to wait for an answer before counting a timeout (default 10). */
  timeoutSeconds?: number;
  /** First value of {{seq}} (default 1). */
  seqStart?: number;
  /** Lists for {{pick:name}}: phones, tracking numbers, pickup codes, parcel ids … */
  lists?: Record<string, ReadonlyArray<string | number>>;
  requests: RequestSpec[];
}

/** The figures of one run. Latencies are autocannon's, in whole milliseconds (1 ms resolution). */
export interface LoadResult {
  name: string;
  /** Responses received in total. */
  requests: number;
  /** Average requests per second (autocannon's requests.average over the per-second samples). */
  throughput: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  /** Connection errors, timeouts included (as autocannon counts them). */
  errors: number;
  timeouts: number;
  /** Chain restarts: a request needed a {{ctx:…}} value an earlier answer did not give. */
  resets: number;
  /** Responses per status code, e.g. { "201": 51234 }. */
  statusCodes: Record<string, number>;
  durationSeconds: number;
  /** CPU the load generator itself used, in % of one core: near 100 means it, not the server, was the limit. */
  loadCpuPercent: number;
  /** CPU the server used over the run (worker start to exit), in % of one core; when runLoad was given its pid. */
  serverCpuPercent?: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const workerFile = path.join(here, 'load-worker.ts');

/**
 * Runs a scenario in a child process (node --import tsx bench/load-worker.ts) and returns its figures.
 * With `serverPid`, also the server's CPU use over the run (it includes the worker's ~0.3 s start-up).
 */
export async function runLoad(scenario: Scenario, opts: { serverPid?: number } = {}): Promise<LoadResult> {
  const cpu0 = opts.serverPid === undefined ? 0 : cpuSeconds(opts.serverPid);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', workerFile], {
    // cwd at the checkout, so that --import tsx resolves from its node_modules.
    cwd: path.dirname(here),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  // Lists can hold a million values: stdin has no argv length limit.
  child.stdin.end(JSON.stringify(scenario));
  // A worker that hangs (a server that never answers) must not hang the caller forever.
  const limitMs = ((scenario.amount !== undefined ? 600 : (scenario.durationSeconds ?? 10)) + 120) * 1000;
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  const line = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || line === '') throw new Error(`load worker for "${scenario.name}" exited with ${String(code)}: ${out.trim()}`);
  const result = JSON.parse(line) as LoadResult;
  if (opts.serverPid !== undefined) {
    const used = cpuSeconds(opts.serverPid) - cpu0;
    result.serverCpuPercent = Math.round((used / ((performance.now() - t0) / 1000)) * 100);
  }
  return result;
}

/**
 * The peak resident set (VmHWM) of a process, in MB, read from /proc/<pid>/status (Linux only).
 * Takes the largest over the process and its descendants: a server started through the `tsx` CLI
 * runs in a child node process, and the wrapper's own peak would say nothing. Read it before the
 * process exits.
 */
export function peakRssMb(pid: number): number {
  let peakKb = 0;
  const visit = (p: number): void => {
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
    } catch {
      return; // gone in the meantime
    }
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (m?.[1] !== undefined) peakKb = Math.max(peakKb, Number(m[1]));
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let children = '';
      try {
        children = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.trim().split(/\s+/)) if (c !== '') visit(Number(c));
    }
  };
  visit(pid);
  if (peakKb === 0) throw new Error(`no VmHWM for process ${pid}`);
  return Math.round(peakKb / 102.4) / 10;
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux only).
 * Read it before and after a run to see how busy the server was: on 2 cores, a server near
 * 100% of one core is saturated (Node serves on one thread).
 */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may hold spaces): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // USER_HZ is 100 on every Linux this runs on (getconf CLK_TCK).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A server child process started by startServer. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Sends SIGTERM and resolves with the exit code once the process has exited. */
  stop(): Promise<number | null>;
}

/**
 * Starts a server script as `node --import tsx <script> ...args` (no tsx CLI wrapper, so `pid` is
 * the server itself) and resolves once it prints `listening <url>`.
 */
export async function startServer(
  script: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; startTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: path.dirname(here),
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not print "listening <url>" in time`));
    }, opts.startTimeoutMs ?? 600_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const m = /^listening (\S+)$/m.exec(buf);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((c) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${String(c)} before listening`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${script} has no pid`);
  return {
    url,
    pid,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padEnd(n) : s.padStart(n);
}

/**
 * A plain-text table: scenario, req/s, p50, p99, max, non-2xx, errors, CPU of the load generator
 * and of the server (% of one core), and — for results named in
 * `baselines` (result name → the baseline result it is compared with) — the req/s ratio.
 */
export function formatTable(results: readonly LoadResult[], baselines?: Readonly<Record<string, LoadResult>>): string {
  const rows: string[][] = [['scenario', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'load cpu', 'srv cpu', 'vs baseline']];
  for (const r of results) {
    const base = baselines?.[r.name];
    const ratio = base === undefined ? '' : base.throughput > 0 ? `${(r.throughput / base.throughput).toFixed(2)}× ${base.name}` : `— ${base.name}`;
    rows.push([
      r.name,
      r.throughput.toFixed(0),
      String(r.latency.p50),
      String(r.latency.p99),
      String(r.latency.max),
      String(r.non2xx),
      String(r.errors),
      `${r.loadCpuPercent}%`,
      r.serverCpuPercent === undefined ? '' : `${r.serverCpuPercent}%`,
      ratio,
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) => pad(cell, widths[i] ?? 0, i === 0 || i === row.length - 1))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
