import type { Ctx } from '../../context.js';
import { deliverDue } from './delivery.js';

/**
 * Runs an outbox inside the server: on a timer, and at once when a transaction queued something,
 * one round at a time (a kick during a round asks for another after it). Sending happens after the
 * answer; it never blocks or fails the request that queued it. `round` is the notifications'
 * delivery by default; the webhooks' worker gives its own.
 */
export class OutboxWorker {
  constructor(private readonly round: (ctx: Ctx) => Promise<number> = deliverDue) {}

  private ctx: Ctx | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private started = false;

  attach(ctx: Ctx): void {
    this.ctx = ctx;
  }

  start(intervalMs = 1000): void {
    this.started = true;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Asks for a delivery round soon (coalesced with one already running). */
  kick(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.runOnce();
  }

  /** One delivery round: everything due now. Tests call it directly. */
  async runOnce(): Promise<number> {
    const ctx = this.ctx;
    if (!ctx) return 0;
    if (this.running) await this.running.catch(() => 0);
    this.running = this.round(ctx).catch((err: unknown) => {
      ctx.log.error({ err }, 'outbox round failed');
      return 0;
    });
    try {
      return await this.running;
    } finally {
      this.running = undefined;
      if (this.again && this.started) {
        this.again = false;
        setImmediate(() => this.kick());
      }
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => 0);
  }
}
