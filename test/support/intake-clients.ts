import { expect } from 'vitest';
import { OPERATOR_TOKEN } from './app.js';
import { randomMobile, uniq } from './factories.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request that may meet a server being killed: the status (0 when no answer came) and the text. */
export async function attempt(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    return { status: r.status, text: await r.text() };
  } catch {
    return { status: 0, text: '' };
  }
}

/** Statuses after which the same request is simply sent again. */
const RETRY = new Set([0, 429, 503]);

/** One courier intake to be made, with the idempotency key every retry of it carries. */
export interface IntakeJob {
  key: string;
  body: { communityId: number; trackingNo: string; recipientPhone: string; recipientName: string };
  /** The parcel id of the 201 answer, once one came. */
  ackedId?: number;
  /** 接收 by the front desk: started, and confirmed (its 200, or the parcel seen awaiting after a lost answer). */
  receiving?: boolean;
  received?: boolean;
}

export function intakeJobs(communityId: number, count: number, prefix: string): IntakeJob[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-${i}`,
    body: { communityId, trackingNo: `${prefix}${String(i).padStart(6, '0')}`, recipientPhone: randomMobile(), recipientName: '收件人' },
  }));
}

/** How many jobs are acknowledged, and how many received. */
export const acked = (jobs: IntakeJob[]) => jobs.filter((j) => j.ackedId !== undefined).length;
export const received = (jobs: IntakeJob[]) => jobs.filter((j) => j.received).length;

export interface ClientTally {
  /** Receipts confirmed by reading the parcel after a lost answer (the first try had committed). */
  receivedBeforeLostAnswer: number;
  /** Answers that are neither 201 nor a reason to try again (a bug: the test fails on any). */
  unexpected: { status: number; body: string }[];
  /** Statuses that made a client try again (connection lost, 503, 429 …), by status; 0 = no answer. */
  retried: Record<number, number>;
}

/**
 * Couriers' phones in a basement: `clients` loops that take the released jobs one at a time and
 * send each until it is acknowledged (201), retrying with the same key and body after a lost
 * connection, a timeout, 429 or 503. `base()` is read on every try (the server may move).
 */
export async function runIntakeClients(opts: {
  base: () => string;
  cookie: string;
  jobs: IntakeJob[];
  /** How many jobs may be started (released in waves by the test). */
  released: () => number;
  clients: number;
  done: () => boolean;
  tally: ClientTally;
}): Promise<void> {
  let next = 0;
  async function send(job: IntakeJob): Promise<void> {
    for (;;) {
      const { status, text } = await attempt(`${opts.base()}/api/courier/parcels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: opts.cookie, 'idempotency-key': job.key },
        body: JSON.stringify(job.body),
      });
      if (status === 201) {
        job.ackedId = (JSON.parse(text) as { id: number }).id;
        return;
      }
      if (RETRY.has(status)) {
        opts.tally.retried[status] = (opts.tally.retried[status] ?? 0) + 1;
        await sleep(status === 0 ? 30 : 100);
        continue;
      }
      opts.tally.unexpected.push({ status, body: text.slice(0, 300) });
      return;
    }
  }
  async function loop(): Promise<void> {
    while (!opts.done()) {
      if (next >= opts.jobs.length || next >= opts.released()) {
        await sleep(5);
        continue;
      }
      const job = opts.jobs[next++];
      if (job) await send(job);
    }
  }
  await Promise.all(Array.from({ length: opts.clients }, loop));
}

/**
 * The front desk at the same time: `clients` loops that receive (接收) every other acknowledged
 * parcel. A receipt is not idempotent: after a lost answer it is sent again, and a 409 then means
 * the first one committed, which a read of the parcel confirms (awaiting pickup).
 */
export async function runReceivers(opts: {
  base: () => string;
  cookie: string;
  jobs: IntakeJob[];
  clients: number;
  done: () => boolean;
  tally: ClientTally;
}): Promise<void> {
  const headers = { 'content-type': 'application/json', cookie: opts.cookie };
  async function receive(job: IntakeJob, id: number): Promise<void> {
    for (let tries = 0; ; tries++) {
      const { status, text } = await attempt(`${opts.base()}/api/parcels/${id}/receive`, { method: 'POST', headers, body: '{}' });
      if (status === 200 || (status === 409 && tries > 0)) {
        if (status === 409) {
          const seen = await attempt(`${opts.base()}/api/parcels/${id}`, { headers: { cookie: opts.cookie } });
          if (RETRY.has(seen.status)) continue;
          if ((JSON.parse(seen.text) as { status?: string }).status !== 'awaiting_pickup') break;
          opts.tally.receivedBeforeLostAnswer++;
        }
        job.received = true;
        return;
      }
      if (RETRY.has(status)) {
        opts.tally.retried[status] = (opts.tally.retried[status] ?? 0) + 1;
        await sleep(status === 0 ? 30 : 100);
        continue;
      }
      opts.tally.unexpected.push({ status, body: `receive: ${text.slice(0, 300)}` });
      return;
    }
    opts.tally.unexpected.push({ status: 409, body: 'receive: refused, and the parcel is not awaiting pickup' });
  }
  async function loop(): Promise<void> {
    while (!opts.done()) {
      const job = opts.jobs.find((j, i) => i % 2 === 0 && j.ackedId !== undefined && !j.receiving);
      if (!job?.ackedId) {
        await sleep(5);
        continue;
      }
      job.receiving = true;
      await receive(job, job.ackedId);
    }
  }
  await Promise.all(Array.from({ length: opts.clients }, loop));
}

export async function json<T>(r: Response): Promise<T> {
  const text = await r.text();
  if (!r.ok) throw new Error(`${r.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** An org, a community and a signed-in courier who delivers there, made over HTTP. */
export async function courierOf(base: string) {
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const cookieOf = (r: Response) => (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const adminUsername = uniq('admin');
  await json(
    await post('/api/operator/orgs', { name: uniq('物业'), adminUsername, adminPassword: 'admin-pass-123' }, { authorization: `Bearer ${OPERATOR_TOKEN}` }),
  );
  const login = await post('/api/auth/staff/login', { username: adminUsername, password: 'admin-pass-123' });
  await json(login);
  const admin = cookieOf(login);
  const community = await json<{ id: number }>(await post('/api/communities', { name: uniq('小区'), feeRateFen: 200 }, { cookie: admin }));
  const phone = randomMobile();
  await json(await post('/api/couriers', { communityId: community.id, name: '张师傅', phone, carrier: '百世' }, { cookie: admin }));
  expect((await post('/api/auth/otp', { phone, purpose: 'courier' })).status).toBe(204);
  const inbox = await json<{ items: { text: string }[] }>(await fetch(`${base}/api/dev/messages?to=${phone}`));
  const code = /验证码是(\d{6})/.exec(inbox.items[0]?.text ?? '')?.[1];
  const courier = await post('/api/auth/courier/login', { phone, code, name: '张师傅' });
  await json(courier);
  return { admin, courier: cookieOf(courier), communityId: community.id };
}
