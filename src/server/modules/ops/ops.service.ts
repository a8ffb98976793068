// Operations (API.md "Operations"): whether this instance should be sent traffic (/readyz), and
// its figures for Prometheus (/metrics).
import client from 'prom-client';
import type { Ctx } from '../../context.js';
import type { Database_ } from '../../db/index.js';
import { pendingMigrations } from '../../db/migrate.js';
import * as repo from './ops.repo.js';
import type { Readiness } from './ops.schema.js';

/** The process's own figures (CPU, memory, event-loop lag, GC), collected once per process however many apps it runs. */
let processRegistry: client.Registry | undefined;
function processMetrics(): client.Registry {
  if (!processRegistry) {
    processRegistry = new client.Registry();
    client.collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Upper bounds of the latency histogram's buckets, in seconds: from a cached read to a slow import. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Metrics {
  readonly contentType: string;
  /** One answered request: its route's pattern (never the raw URL, whose ids would make a series each). */
  observe(method: string, route: string, status: number, seconds: number): void;
  /** The exposition text: requests, latency, outbox, connections, and the process's figures. */
  render(): Promise<string>;
}

export function createMetrics(ctx: Ctx, database: Pick<Database_, 'connections'>): Metrics {
  const registry = new client.Registry();
  const registers = [registry];
  const requests = new client.Counter({
    name: 'kuaidi_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const latency = new client.Histogram({
    name: 'kuaidi_http_request_duration_seconds',
    help: 'Time from a request to its answer, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const queued = new client.Gauge({ name: 'kuaidi_outbox_queued', help: 'SMS and WeChat messages waiting in the outbox', registers });
  const age = new client.Gauge({
    name: 'kuaidi_outbox_oldest_age_seconds',
    help: 'How long the oldest waiting message has waited (0 when none)',
    registers,
  });
  const connections = new client.Gauge({
    name: 'kuaidi_db_connections',
    help: "Database connections by state (PostgreSQL's pool; SQLite's one connection, waiting = units queued for its group commit)",
    labelNames: ['state'],
    registers,
  });
  return {
    contentType: registry.contentType,
    observe(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    async render() {
      const backlog = await repo.outboxBacklog(ctx.db);
      queued.set(backlog.queued);
      age.set(backlog.oldestAt ? Math.max(0, (ctx.now().getTime() - Date.parse(backlog.oldestAt)) / 1000) : 0);
      const c = database.connections();
      for (const state of ['total', 'idle', 'waiting'] as const) connections.set({ state }, c[state]);
      return `${await registry.metrics()}\n${await processMetrics().metrics()}`;
    },
  };
}

export interface ReadinessProbe {
  /** Set once the server is shutting down: a proxy stops sending it requests. */
  stopping: boolean;
  check(): Promise<Readiness>;
}

/** Ready: not stopping, every migration of this code run (another instance may be migrating), and the database answering. */
export function createReadiness(ctx: Ctx): ReadinessProbe {
  let migrated = false;
  return {
    stopping: false,
    async check() {
      if (this.stopping) return { ok: false, reason: 'stopping' };
      try {
        if (!migrated) migrated = (await pendingMigrations(ctx.db)).length === 0;
        if (!migrated) return { ok: false, reason: 'migrations' };
        await repo.ping(ctx.db);
        return { ok: true };
      } catch {
        return { ok: false, reason: 'database' };
      }
    },
  };
}
