import { randomMobile } from './factories.js';

/** One courier intake to be made, with the idempotency key every retry of it carries. */
export interface IntakeJob {
  key: string;
  body: { communityId: number; trackingNo: string; recipientPhone: string; recipientName: string };
  /** The parcel id of the 201 answer, once one came. */
  ackedId?: number;
  attempts: number;
}

export function intakeJobs(communityId: number, count: number, prefix: string): IntakeJob[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-${i}`,
    body: { communityId, trackingNo: `${prefix}${String(i).padStart(6, '0')}`, recipientPhone: randomMobile(), recipientName: '收件人' },
    attempts: 0,
  }));
}

export interface ClientTally {
  acked: number;
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
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function send(job: IntakeJob): Promise<void> {
    for (;;) {
      job.attempts++;
      let status = 0;
      let text = '';
      try {
        const r = await fetch(`${opts.base()}/api/courier/parcels`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: opts.cookie, 'idempotency-key': job.key },
          body: JSON.stringify(job.body),
          signal: AbortSignal.timeout(15_000),
        });
        status = r.status;
        text = await r.text();
      } catch {
        status = 0;
      }
      if (status === 201) {
        job.ackedId = (JSON.parse(text) as { id: number }).id;
        opts.tally.acked++;
        return;
      }
      if (status === 0 || status === 429 || status === 503) {
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
