/**
 * The load generator's process: reads a Scenario (JSON) on stdin, runs it with autocannon's
 * programmatic API, and prints one JSON line, a LoadResult. Started by runLoad in bench/load.ts;
 * the placeholder language is described there.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import type { Json, LoadResult, RequestSpec, Scenario } from './load.js';

type Value = string | number;
/** What one request's setupRequest sees: autocannon's per-connection context, reset at each chain start. */
type Context = Record<string, Value | undefined>;

/** One placeholder, parsed once; `enc` says how its value is written where it stands. */
interface Token {
  /** The token's text, e.g. "pick:phones": the key under which one request shares one value. */
  key: string;
  kind: 'uuid' | 'seq' | 'pick' | 'ctx';
  name: string;
  enc: 'url' | 'raw' | 'jsonString' | 'jsonValue';
}
type Part = string | Token;

/** Fills one request's placeholders: values made on first use and shared by every token with the same key. */
type Fill = (t: Token) => Value | undefined;

const TOKEN = /"\{\{([^{}"]+)\}\}"|\{\{([^{}"]+)\}\}/g;

function parseToken(text: string, enc: Token['enc'], scenario: Scenario): Token {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const name = colon < 0 ? '' : text.slice(colon + 1);
  if (kind !== 'uuid' && kind !== 'seq' && kind !== 'pick' && kind !== 'ctx') {
    throw new Error(`unknown placeholder {{${text}}}`);
  }
  if (kind === 'pick' && (scenario.lists?.[name]?.length ?? 0) === 0) {
    throw new Error(`{{${text}}}: scenario.lists.${name} is missing or empty`);
  }
  if (kind === 'ctx' && name === '') throw new Error('{{ctx:…}} needs a name');
  return { key: text, kind, name, enc };
}

/** Splits a template into literal text and tokens. In JSON mode a string that is one token is a raw JSON value. */
function compile(template: string, enc: 'url' | 'raw' | 'json', scenario: Scenario): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(TOKEN)) {
    const whole = m[1];
    const inner = m[2];
    // Outside JSON, quotes are ordinary text: treat "{{x}}" as a quote, the token, a quote.
    if (whole !== undefined && enc !== 'json') {
      parts.push(template.slice(last, m.index), '"', parseToken(whole, enc, scenario), '"');
    } else if (whole !== undefined) {
      parts.push(template.slice(last, m.index), parseToken(whole, 'jsonValue', scenario));
    } else if (inner !== undefined) {
      parts.push(template.slice(last, m.index), parseToken(inner, enc === 'json' ? 'jsonString' : enc, scenario));
    }
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  return parts.filter((p) => p !== '');
}

/** Writes a template out; undefined when a {{ctx:…}} value is missing (the chain must restart). */
function render(parts: readonly Part[], fill: Fill): string | undefined {
  let s = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      s += p;
      continue;
    }
    const v = fill(p);
    if (v === undefined) return undefined;
    if (p.enc === 'url') s += encodeURIComponent(String(v));
    else if (p.enc === 'raw') s += String(v);
    else if (p.enc === 'jsonValue') s += JSON.stringify(v);
    else s += JSON.stringify(String(v)).slice(1, -1);
  }
  return s;
}

function usesCtx(parts: readonly Part[]): boolean {
  return parts.some((p) => typeof p !== 'string' && p.kind === 'ctx');
}

/** Follows a dotted path ("items.0.id") into parsed JSON; only strings and numbers are kept. */
function dig(value: Json, dotted: string): Value | undefined {
  let v: Json | undefined = value;
  for (const step of dotted.split('.')) {
    if (Array.isArray(v)) v = v[Number(step)];
    else if (v !== null && typeof v === 'object') v = v[step];
    else return undefined;
  }
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}

/** Turns the scenario's RequestSpecs into autocannon requests whose setupRequest fills the placeholders. */
function buildRequests(scenario: Scenario): autocannon.Request[] {
  const base = new URL(scenario.url);
  const prefix = base.pathname.replace(/\/$/, '');
  let seq = scenario.seqStart ?? 1;
  const cursors = new Map<string, number>();
  // Shared by all connections: one process, one event loop, so the counters need no locking.
  const next = (t: Token, ctx: Context): Value | undefined => {
    if (t.kind === 'uuid') return randomUUID();
    if (t.kind === 'seq') return seq++;
    if (t.kind === 'ctx') return ctx[t.name];
    const list = scenario.lists?.[t.name] ?? [];
    const i = cursors.get(t.name) ?? 0;
    cursors.set(t.name, (i + 1) % list.length);
    return list[i];
  };

  return scenario.requests.map((spec: RequestSpec, index) => {
    const pathParts = compile(prefix + spec.path, 'url', scenario);
    const headerParts = Object.entries(spec.headers ?? {}).map(([k, v]) => [k, compile(v, 'raw', scenario)] as const);
    const isJson = spec.body !== undefined && typeof spec.body !== 'string';
    const bodyParts =
      spec.body === undefined ? undefined : compile(typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body), isJson ? 'json' : 'raw', scenario);
    if (index === 0 && (usesCtx(pathParts) || headerParts.some(([, p]) => usesCtx(p)) || (bodyParts !== undefined && usesCtx(bodyParts)))) {
      // autocannon cannot restart a chain whose first request fails to build: it throws.
      throw new Error('the first request cannot use {{ctx:…}}: nothing has been captured yet');
    }
    const captures = Object.entries(spec.capture ?? {});

    const request: autocannon.Request = {
      method: spec.method,
      // Called for every request this spec sends (autocannon rebuilds requests that have a
      // setupRequest each time), with the connection's context.
      setupRequest: (req, context) => {
        const ctx = context as Context;
        const memo = new Map<string, Value | undefined>();
        const fill: Fill = (t) => {
          if (!memo.has(t.key)) memo.set(t.key, next(t, ctx));
          return memo.get(t.key);
        };
        const p = render(pathParts, fill);
        if (p === undefined) return null as unknown as autocannon.Request; // restart the chain
        const headers: Record<string, string> = {};
        for (const [k, parts] of headerParts) {
          const v = render(parts, fill);
          if (v === undefined) return null as unknown as autocannon.Request;
          headers[k] = v;
        }
        if (isJson) headers['content-type'] = 'application/json';
        let body: string | undefined;
        if (bodyParts !== undefined) {
          body = render(bodyParts, fill);
          if (body === undefined) return null as unknown as autocannon.Request;
        }
        return { ...req, path: p, headers: { ...req.headers, ...headers }, body };
      },
    };
    if (captures.length > 0) {
      // Called with the answer before the connection's next request is built (pipelining 1).
      request.onResponse = (status, body, context) => {
        const ctx = context as Context;
        if (status < 200 || status > 299) return;
        let parsed: Json;
        try {
          parsed = JSON.parse(body) as Json;
        } catch {
          return;
        }
        for (const [name, dotted] of captures) ctx[name] = dig(parsed, dotted);
      };
    }
    return request;
  });
}

/** Runs the scenario and resolves with its figures. */
export async function runScenario(scenario: Scenario): Promise<LoadResult> {
  const requests = buildRequests(scenario);
  const opts: autocannon.Options = {
    url: scenario.url,
    connections: scenario.connections ?? 10,
    // One request in flight per connection: the chain's onResponse → setupRequest order needs it.
    pipelining: 1,
    timeout: scenario.timeoutSeconds ?? 10,
    requests,
    initialContext: {},
    ...(scenario.amount !== undefined ? { amount: scenario.amount } : { duration: scenario.durationSeconds ?? 10 }),
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await autocannon(opts);
  const cpu = process.cpuUsage(cpu0);
  const elapsedMs = performance.now() - t0;
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = s.count ?? 0;
  return {
    name: scenario.name,
    requests: r.requests.total,
    throughput: r.requests.average,
    latency: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    resets: r.resets,
    statusCodes,
    durationSeconds: r.duration,
    loadCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100),
  };
}

async function readStdin(): Promise<string> {
  let s = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) s += String(chunk);
  return s;
}

// Read stdin only when run as the worker, so that runScenario can be imported (in-process, for tests).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const scenario = JSON.parse(await readStdin()) as Scenario;
    const result = await runScenario(scenario);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
