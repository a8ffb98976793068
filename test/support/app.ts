import fs from 'node:fs';
import type { Resolver } from '../../src/server/modules/webhooks/address-guard.js';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { DEFAULT_WEB_DIR, type Config } from '../../src/server/config.js';
import { openDatabase, type Database_ } from '../../src/server/db/index.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';
import type { App } from '../../src/server/http.js';
import type { MessageProvider } from '../../src/server/modules/notifications/provider.js';
import type { Messaging } from '../../src/server/modules/notifications/messaging.js';
import { suiteLogStream } from './suite-log.js';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

/** A clock the test moves by hand. */
export class TestClock {
  t: number;
  constructor(start: string | Date = '2026-01-08T07:30:00.000Z') {
    this.t = new Date(start).getTime();
  }
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
  set(at: string | Date): void {
    this.t = new Date(at).getTime();
  }
}

export const dbKind: 'sqlite' | 'postgres' = inject('pgUrl') ? 'postgres' : 'sqlite';

/** Test configuration: silent logs, no timers, a known operator token. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    env: 'test',
    port: 0,
    host: '127.0.0.1',
    database: { kind: 'sqlite', file: ':memory:' },
    operatorToken: OPERATOR_TOKEN,
    metricsToken: undefined,
    shutdownDrainMs: 0,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    sms: { provider: 'console' },
    wechat: { provider: 'console' },
    pay: { provider: 'console' },
    demoData: false,
    apiDocs: true,
    unitGuard: true,
    allowedOrigins: [],
    trustProxy: false,
    cookieSecure: 'auto',
    backgroundJobs: false,
    otpLimits: { perPhonePerMinute: 1, perPhonePerDay: 10, perIpPerHour: 100_000 },
    // Tests send many notices to one resident; the caps have their own test.
    smsCaps: { perHour: 1000, perDay: 10_000 },
    // Tests fire many requests from one session; the limits have their own test.
    overload: { maxInFlight: 256, perMinute: 0, connectionsPerAddress: 0 },
    openApi: { perMinute: 0 },
    webhooks: { allowPrivate: false, timeoutMs: 5_000 },
    timeouts: { headersMs: 10_000, requestMs: 60_000 },
    reminderHour: 10,
    webDir: DEFAULT_WEB_DIR,
    ...overrides,
  };
}

/** A migrated database of its own: a temporary SQLite file, or a clone of the run's PostgreSQL template. */
export async function testDatabase(): Promise<Database_> {
  const url = inject('pgUrl');
  const adminUrl = inject('pgAdminUrl');
  if (url && adminUrl) return openDatabase({ kind: 'postgres', url: await clonePgTemplate(url, adminUrl) }, { poolSize: 8 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-test-'));
  const database = openDatabase({ kind: 'sqlite', file: path.join(dir, 'test.sqlite') });
  await migrateToLatest(database.db);
  return database;
}

async function clonePgTemplate(templateUrl: string, adminUrl: string): Promise<string> {
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    // Clones of one template are made one at a time; a busy template answers 55006, so try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await c.end();
  }
  const u = new URL(templateUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestApp {
  app: App;
  clock: TestClock;
  database: Database_;
  close(): Promise<void>;
}

/** Builds the real app on the test database with an injected clock. */
export async function buildTestApp(
  opts: { config?: Partial<Config>; clock?: TestClock; provider?: MessageProvider; messaging?: Messaging; database?: Database_; resolver?: Resolver } = {},
): Promise<TestApp> {
  const clock = opts.clock ?? new TestClock();
  const database = opts.database ?? (await testDatabase());
  const logStream = suiteLogStream('app');
  const config = testConfig({ ...(logStream && !process.env.TEST_LOG_LEVEL ? { logLevel: 'info' } : {}), ...opts.config });
  const app = await buildApp({ config, database, now: clock.now, provider: opts.provider, messaging: opts.messaging, logStream, resolver: opts.resolver });
  await app.ready();
  return {
    app,
    clock,
    database,
    close: async () => {
      await app.close();
      if (!opts.database) await database.close();
    },
  };
}

/**
 * The app for a test file: built before its tests and closed after them (hooks registered here).
 * The returned object reads the built app lazily, so it can be used inside the tests.
 */
export function useTestApp(opts: Parameters<typeof buildTestApp>[0] = {}): TestApp {
  let built: TestApp | undefined;
  const get = (): TestApp => {
    if (!built) throw new Error('the test app is built in beforeAll');
    return built;
  };
  beforeAll(async () => {
    built = await buildTestApp(opts);
  });
  afterAll(async () => {
    await built?.close();
  });
  return {
    get app() {
      return get().app;
    },
    get clock() {
      return get().clock;
    },
    get database() {
      return get().database;
    },
    close: () => get().close(),
  };
}

/** A log sink that keeps what it is given: `logStream` for an app whose logs a test reads. */
export function capturedLogs(): { stream: Writable; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}
