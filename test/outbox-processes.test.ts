import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openDatabase, type Database_ } from '../src/server/db/index.js';
import type { ReceivedParams } from '../src/server/modules/notifications/templates.js';
import { FAKE_TENCENT_ACCOUNT, startFakeTencentSms, type FakeSentSms, type FakeTencentSms } from './support/fake-tencent-sms.js';
import { scratchPgDatabase, startServer, stopServer, type ServerProcess } from './support/server-process.js';

// Two real server processes on one PostgreSQL database share the outbox: each runs the worker, and
// leaseDue's SKIP LOCKED must hand every message to exactly one of them. They send through the
// real Tencent SDK to the fake Tencent server, reached through the fake's own proxy (a child
// process cannot be given the in-process agent that resolves the fake's name). Each process uses
// the proxy under its own label, so the fake knows which process sent what.
// On SQLite only one process may use the database file, so there is nothing to share: skipped.

const pgAdminUrl = inject('pgAdminUrl');

const ACCOUNT = FAKE_TENCENT_ACCOUNT;
const MESSAGES = 1000;
/** Messages queued at once in the first scenario. */
const WAVE = 100;
/** Enough for the kill scenario, which needs a process to die with leases, not volume. */
const KILL_MESSAGES = 300;
/** The outbox's lease; the kill scenario expires the dead process's leases by hand instead of waiting. */
const LEASE_MS = 60_000;

/** `count` distinct mainland mobile numbers after `prefix` (3 digits), e.g. 13900000000 …. */
const phones = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(8, '0')}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!pgAdminUrl)('the outbox shared by two server processes on PostgreSQL', () => {
  let fake: FakeTencentSms;
  let scratch: Awaited<ReturnType<typeof scratchPgDatabase>> | undefined;
  let database: Database_ | undefined;
  const procs: Record<'a' | 'b', ServerProcess | undefined> = { a: undefined, b: undefined };
  let orgId = 0;

  const env = (label: string, url: string): Record<string, string> => ({
    DATABASE_URL: url,
    DEMO_DATA: 'off',
    LOG_LEVEL: 'warn',
    SMS_PROVIDER: 'tencent',
    TENCENT_SMS_SECRET_ID: ACCOUNT.secretId,
    TENCENT_SMS_SECRET_KEY: ACCOUNT.secretKey,
    TENCENT_SMS_SDK_APP_ID: ACCOUNT.sdkAppId,
    TENCENT_SMS_SIGN_NAME: ACCOUNT.signName,
    TENCENT_SMS_ENDPOINT: fake.endpoint,
    TENCENT_SMS_PROTOCOL: 'http',
    TENCENT_SMS_TEMPLATE_OTP: ACCOUNT.templates.otp,
    TENCENT_SMS_TEMPLATE_RECEIVED: ACCOUNT.templates.parcel_received,
    TENCENT_SMS_TEMPLATE_REJECTED: ACCOUNT.templates.parcel_rejected,
    TENCENT_SMS_TEMPLATE_REMINDER: ACCOUNT.templates.pickup_reminder,
    // The SDK tunnels through http_proxy (https-proxy-agent); the label tells the fake who sent.
    // SMS_CAP_PER_* stay at their defaults: every message goes to a phone of its own.
    http_proxy: fake.proxyUrlFor(label),
  });

  beforeAll(async () => {
    fake = await startFakeTencentSms(ACCOUNT);
    scratch = await scratchPgDatabase(pgAdminUrl!, 'kd_outbox_procs');
    {
      // Each message ends in a commit of its own; not waiting for the WAL flush keeps 2,000 of them
      // quick on a busy test machine. Visibility and row locks, what this test is about, are unchanged.
      const c = new pg.Client({ connectionString: scratch.url });
      await c.connect();
      await c.query(`ALTER DATABASE ${new URL(scratch.url).pathname.slice(1)} SET synchronous_commit = off`);
      await c.end();
    }
    // Both at once on the empty database, as a deployment restarting all its processes would:
    // Kysely's migrator runs the migrations under a PostgreSQL advisory lock and rechecks after a
    // failed CREATE of its own bookkeeping tables, so one process migrates and the other finds it done.
    const url = scratch.url;
    [procs.a, procs.b] = await Promise.all(['a', 'b'].map((label) => startServer(['--import', 'tsx', 'src/server/main.ts'], env(label, url))));
    database = openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 2 });
    const org = await database.db
      .insertInto('orgs')
      .values({ name: '多进程测试', app_enabled: 1, created_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    orgId = org.id;
  });

  afterAll(async () => {
    for (const p of [procs.a, procs.b]) if (p) await stopServer(p.proc);
    await database?.close();
    await scratch?.drop();
    await fake?.close();
  });

  /** Queues one received notice by SMS for each phone, due now, as the parcel service would. */
  async function queue(to: string[]): Promise<void> {
    const now = new Date().toISOString();
    const rows = to.map((phone) => {
      const params: ReceivedParams = {
        community: '华润二十四城',
        carrier: '顺丰',
        trackingTail: phone.slice(-4),
        collectionPoint: '管理处',
        pickupCode: `8-${phone.slice(-4)}`,
        feeRateFen: 200,
      };
      return {
        org_id: orgId,
        kind: 'parcel_received' as const,
        channel: 'sms' as const,
        recipient: phone,
        params: JSON.stringify(params),
        status: 'queued' as const,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        dedupe_key: null,
      };
    });
    await database!.db.insertInto('outbox').values(rows).execute();
  }

  /** The outbox rows of these phones. */
  const rowsOf = (to: string[]) =>
    database!.db
      .selectFrom('outbox')
      .select(['id', 'recipient', 'status', 'attempts', 'locked_until', 'sent_at', 'last_error'])
      .where('recipient', 'in', to)
      .execute();

  /** Waits until every row of these phones is sent; fails after `ms`. */
  async function allSent(to: string[], ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await database!.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('recipient', 'in', to)
        .where('status', '=', 'sent')
        .executeTakeFirstOrThrow();
      if (Number(r.n) === to.length) return;
      if (Date.now() > deadline) throw new Error(`${Number(r.n)} of ${to.length} sent after ${ms} ms`);
      await sleep(200);
    }
  }

  /** How many times the fake accepted a message for each phone (as the outbox stores it, without +86). */
  function acceptedPerPhone(sent: FakeSentSms[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of sent) counts.set(m.phone.replace(/^\+86/, ''), (counts.get(m.phone.replace(/^\+86/, '')) ?? 0) + 1);
    return counts;
  }

  it('sends 1,000 queued messages exactly once between them, retried failures included', async () => {
    const to = phones('139', MESSAGES);
    const expected = new Set(to);
    // Gateway errors and Tencent's retryable codes on the first requests, whichever process makes
    // them: those messages go back to the queue and come round again after the backoff (~5 s).
    fake.failNext(3, { kind: 'http', status: 502 });
    fake.failNext(2, { kind: 'error', code: 'InternalError.Timeout' });
    fake.failNext(1, { kind: 'status', code: 'LimitExceeded.PhoneNumberThirtySecondLimit' });
    const injected = fake.pendingFailures;
    const requestsBefore = fake.requests;

    // In waves, as parcels come in, rather than all at once: whichever way leaseDue splits a wave,
    // the processes' timers then find new rows while the other is busy, so both lease and send at
    // the same time, which is what could go wrong.
    for (let i = 0; i < to.length; i += WAVE) {
      await queue(to.slice(i, i + WAVE));
      await sleep(250);
    }
    await allSent(to);

    const mine = fake.sent.filter((m) => expected.has(m.phone.replace(/^\+86/, '')));
    const perPhone = acceptedPerPhone(mine);
    const duplicates = [...perPhone].filter(([, n]) => n > 1);
    const missing = to.filter((p) => !perPhone.has(p));
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
    expect(mine).toHaveLength(MESSAGES);
    expect(fake.pendingFailures).toBe(0);
    // The fake lists injected Response.Error failures among its refusals; nothing else was refused.
    expect(fake.rejected.map((r) => r.code)).toEqual(['InternalError.Timeout', 'InternalError.Timeout']);
    expect(fake.refusedTunnels).toEqual([]);
    // Every request was either a message accepted once or an injected failure: nothing went twice.
    expect(fake.requests - requestsBefore).toBe(MESSAGES + injected);

    const rows = await rowsOf(to);
    expect(rows).toHaveLength(MESSAGES);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'sent', locked_until: null, last_error: null });
      expect(r.attempts).toBeGreaterThanOrEqual(1);
      expect(r.sent_at).not.toBeNull();
    }
    // Each lease counts an attempt: one per message plus one per injected failure means no
    // message was ever leased twice, not even one whose second send would have been refused.
    expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(MESSAGES + injected);
    expect(rows.filter((r) => r.attempts === 2)).toHaveLength(injected);

    // Both processes took part, and between them account for every message.
    const byA = mine.filter((m) => m.via === 'a').length;
    const byB = mine.filter((m) => m.via === 'b').length;
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(MESSAGES);
    for (const p of [procs.a!, procs.b!]) {
      expect(p.proc.exitCode).toBeNull();
      // The logs never hold a number in full.
      expect(p.output()).not.toMatch(/139\d{8}/);
    }
  }, 90_000);

  it('a process killed mid-batch strands only what it had leased, and at most its message in flight goes twice', async () => {
    const to = phones('138', KILL_MESSAGES);
    const expected = new Set(to);
    const from = (label: string) => fake.sent.filter((m) => m.via === label && expected.has(m.phone.replace(/^\+86/, ''))).length;

    await queue(to);
    // Whichever process is the first to be well into these messages dies, mid-batch.
    const deadline = Date.now() + 30_000;
    let victim: 'a' | 'b' | undefined;
    while (!victim) {
      victim = (['a', 'b'] as const).find((label) => from(label) >= 30);
      if (Date.now() > deadline) throw new Error(`after 30 s: a sent ${from('a')}, b ${from('b')}`);
      await sleep(10);
    }
    const killed = procs[victim]!.proc;
    const exited = new Promise((r) => killed.once('exit', r));
    killed.kill('SIGKILL');
    await exited;
    const sentByVictim = from(victim);

    // The survivor sends everything else; what the victim had leased stays queued under its lease.
    // Settled: nothing left but leased rows, and for 2 s no change.
    let stranded = await rowsOf(to).then((rows) => rows.filter((r) => r.status !== 'sent'));
    for (let stable = 0; stable < 10;) {
      await sleep(200);
      const now = await rowsOf(to).then((rows) => rows.filter((r) => r.status !== 'sent'));
      const allLeased = now.every((r) => r.locked_until !== null && new Date(r.locked_until).getTime() > Date.now());
      stable = allLeased && now.length === stranded.length ? stable + 1 : 0;
      stranded = now;
      if (Date.now() > deadline + 30_000) throw new Error(`${stranded.length} messages never settled`);
    }
    // At most one batch of 20: leaseDue claims the ids first (an `IN (SELECT … LIMIT 20 FOR UPDATE
    // SKIP LOCKED)` was seen to lease every due row at once, when PostgreSQL re-ran the subquery
    // for each row). What the victim leased is stranded; no more than that.
    expect(stranded.length).toBeLessThanOrEqual(20);
    const leaseEnd = Date.now() + LEASE_MS;
    for (const r of stranded) {
      expect(r.status).toBe('queued');
      expect(r.attempts).toBe(1);
      // Still under the victim's lease, which outlives the wait by most of its minute.
      expect(new Date(r.locked_until ?? 0).getTime()).toBeGreaterThan(Date.now());
      expect(new Date(r.locked_until ?? 0).getTime()).toBeLessThanOrEqual(leaseEnd);
    }
    expect(from(victim)).toBe(sentByVictim);

    // Rather than wait out the minute: the leases run out now, and the survivor takes the rest.
    const strandedPhones = new Set(stranded.map((r) => r.recipient));
    if (stranded.length > 0) {
      await database!.db
        .updateTable('outbox')
        .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
        .where(
          'id',
          'in',
          stranded.map((r) => r.id),
        )
        .execute();
    }
    await allSent(to, 30_000);

    const perPhone = acceptedPerPhone(fake.sent.filter((m) => expected.has(m.phone.replace(/^\+86/, ''))));
    expect(to.filter((p) => !perPhone.has(p))).toEqual([]);
    const twice = [...perPhone].filter(([, n]) => n > 1).map(([p, n]) => ({ p, n }));
    // A process sends one message at a time: only the one whose answer the victim had not yet
    // recorded can go twice.
    expect(twice.length).toBeLessThanOrEqual(1);
    for (const d of twice) {
      expect(d.n).toBe(2);
      expect(strandedPhones.has(d.p)).toBe(true);
    }
    expect(fake.rejected).toHaveLength(2);
    const rows = await rowsOf(to);
    for (const r of rows) expect(r).toMatchObject({ status: 'sent', locked_until: null });
    for (const r of rows.filter((x) => strandedPhones.has(x.recipient))) expect(r.attempts).toBe(2);
  }, 90_000);
});
