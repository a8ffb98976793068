// The webhooks' sending side: due deliveries leased in lanes, one lane per webhook, so that a
// slow or dead receiver holds up only its own deliveries. Each attempt is signed afresh (the
// event id and body stay the same), logged, and retried with backoff for 24 hours.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { inTransaction, type Ctx } from '../../context.js';
import { WEBHOOK_LIMITS } from '../../../shared/constants.js';
import { isIP } from 'node:net';
import { checkedAddresses, guardedLookup, type Resolver } from './address-guard.js';
import { OutboxWorker } from '../notifications/outbox.worker.js';
import * as repo from './webhooks.repo.js';

const LEASE_MS = 60_000;
/** A lane stops taking its next delivery this long before its lease runs out (more than one attempt can take). */
const LEASE_MARGIN_MS = 15_000;
const LANE_SIZE = 20;
const LANES = 16;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`: the X-Kuaidi-Signature header. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/** Delay before attempt n+1: 10 s doubling, at most an hour, ±20 % jitter. */
export function webhookBackoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(WEBHOOK_LIMITS.maxRetryMs, WEBHOOK_LIMITS.firstRetryMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + random() * 0.4));
}

export interface SendOptions {
  allowPrivate: boolean;
  resolve: Resolver;
  timeoutMs: number;
}

/** One POST of a delivery: the status code, or the reason it got none. Redirects are not followed. */
export async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  o: SendOptions,
): Promise<{ statusCode: number | null; error: string | null }> {
  let target: URL;
  try {
    target = new URL(url);
    // A name is checked by the lookup the connection makes; an address literal is not looked up.
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) await checkedAddresses(host, o.allowPrivate, o.resolve);
  } catch (err) {
    return { statusCode: null, error: err instanceof Error ? err.message : String(err) };
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'kuaidi-webhooks/1' },
        lookup: guardedLookup(o.allowPrivate, o.resolve),
        signal: AbortSignal.timeout(o.timeoutMs),
        agent: false,
      },
      (res) => {
        // The answer's body is not read beyond a little: only the status counts.
        let seen = 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 64 * 1024) res.destroy();
        });
        res.on('end', () => resolve({ statusCode: res.statusCode ?? null, error: null }));
        res.on('error', () => resolve({ statusCode: res.statusCode ?? null, error: null }));
        res.on('close', () => resolve({ statusCode: res.statusCode ?? null, error: null }));
      },
    );
    req.on('error', (err: Error) => {
      const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError';
      resolve({ statusCode: null, error: timedOut ? `超时：${o.timeoutMs / 1000}秒内未响应` : err.message.slice(0, 300) });
    });
    req.end(body);
  });
}

type Leased = Awaited<ReturnType<typeof repo.leaseDue>>[number];

/** One attempt of one delivery, and its outcome written with its log line: whether it was delivered, and when it is due again. */
async function attempt(ctx: Ctx, d: Leased, o: SendOptions): Promise<{ ok: boolean; nextAt: string }> {
  const started = Date.now();
  const t = Math.floor(ctx.now().getTime() / 1000);
  const answer = await post(
    d.url,
    { 'x-kuaidi-event': d.type, 'x-kuaidi-delivery': String(d.id), 'x-kuaidi-signature': signature(d.secret, d.body, t) },
    d.body,
    o,
  );
  const ok = answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
  const now = ctx.now();
  const giveUp = !ok && now.getTime() - Date.parse(d.created_at) >= WEBHOOK_LIMITS.retryForMs;
  const error = ok ? null : (answer.error ?? `HTTP ${answer.statusCode}`);
  const nextAt = ok || giveUp ? now.toISOString() : new Date(now.getTime() + webhookBackoffMs(d.attempts)).toISOString();
  await repo.recordAttempt(ctx.db, Number(d.org_id), Number(d.id), {
    status: ok ? 'delivered' : giveUp ? 'failed' : 'queued',
    at: now.toISOString(),
    nextAt,
    statusCode: answer.statusCode,
    error,
    durationMs: Date.now() - started,
  });
  if (!ok) ctx.log.warn({ deliveryId: d.id, webhookId: d.webhook_id, attempts: d.attempts, statusCode: answer.statusCode, giveUp }, 'webhook delivery failed');
  return { ok, nextAt };
}

/**
 * The lanes of the webhooks' worker: a round leases what is due for webhooks that have no lane
 * running, and starts one lane per webhook: its deliveries one after the other, oldest first. A
 * failed attempt ends the lane: the receiver is down, so its other deliveries wait for the same
 * retry time instead of each waiting out a timeout now. The round does not wait for its lanes.
 */
class Lanes {
  private readonly running = new Map<number, Promise<void>>();
  /** Called when a lane ends: its webhook may have more due. */
  onFree: () => void = () => {};

  constructor(readonly options: SendOptions) {}

  async round(ctx: Ctx): Promise<number> {
    if (this.running.size >= LANES) return 0;
    const now = ctx.now();
    const rows = await inTransaction(ctx, (u) =>
      repo.leaseDue(u.db, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), LANE_SIZE * (LANES - this.running.size), [
        ...this.running.keys(),
      ]),
    );
    const byHook = new Map<number, Leased[]>();
    for (const r of rows) byHook.set(Number(r.webhook_id), [...(byHook.get(Number(r.webhook_id)) ?? []), r]);
    for (const [hook, list] of byHook) {
      const lane = this.runLane(ctx, list).finally(() => {
        this.running.delete(hook);
        this.onFree();
      });
      this.running.set(hook, lane);
    }
    return rows.length;
  }

  private async runLane(ctx: Ctx, list: Leased[]): Promise<void> {
    const stopAt = Date.now() + LEASE_MS - LEASE_MARGIN_MS;
    for (const [i, d] of list.entries()) {
      const rest = list.slice(i + 1).map((r) => Number(r.id));
      try {
        const { ok, nextAt } = await attempt(ctx, d, this.options);
        if (!ok) {
          await repo.releaseLeases(ctx.db, rest, nextAt);
          return;
        }
        if (Date.now() > stopAt) {
          await repo.releaseLeases(ctx.db, rest, ctx.now().toISOString());
          return;
        }
      } catch (err) {
        // The leases run out and the next round takes them again.
        ctx.log.error({ err, deliveryId: d.id }, 'webhook attempt failed to record');
        return;
      }
    }
  }

  /** Waits for the lanes running now. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }
}

/** The webhooks' outbox worker: the notifications' worker, with rounds that start lanes. */
export class WebhookWorker extends OutboxWorker {
  private readonly lanes: Lanes;

  constructor(options: SendOptions) {
    const lanes = new Lanes(options);
    super((ctx) => lanes.round(ctx));
    this.lanes = lanes;
    lanes.onFree = () => this.kick();
  }

  /** How subscriptions are checked, as deliveries are. */
  get guard(): { allowPrivate: boolean; resolve: Resolver } {
    return { allowPrivate: this.lanes.options.allowPrivate, resolve: this.lanes.options.resolve };
  }

  /** One round, waiting for its lanes (tests): how many deliveries it took. */
  override async runOnce(): Promise<number> {
    await this.lanes.idle();
    const taken = await super.runOnce();
    await this.lanes.idle();
    return taken;
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.lanes.idle();
  }
}
