import fastifyRateLimit from '@fastify/rate-limit';
import { AppError, tooManyRequests } from './errors.js';
import type { App } from './http.js';

export interface OverloadLimits {
  /** Requests being answered at once; past it, 503 at once (0: no cap). */
  maxInFlight: number;
  /** API requests per minute for one session, or one client address without a session (0: no limit). */
  perMinute: number;
}

/** Only the API is limited: the web apps' files and /healthz are not. */
const isApi = (url: string) => url.startsWith('/api/');

/**
 * Keeps the server answering beyond its capacity:
 * - a cap on requests in flight: the one past it gets 503 `overloaded` with Retry-After before any
 *   work (no session lookup, no body read), so a flood cannot queue up memory and database work;
 * - a rate limit per session, or per client address for requests without one (@fastify/rate-limit,
 *   in memory, per process): 429 `too_many_requests` with Retry-After.
 * The client address is `req.ip`, which takes X-Forwarded-For only from the proxies TRUST_PROXY
 * names, so a forged header gains nothing.
 * Register after the session hook: the limit's key needs `req.auth`.
 */
export async function limitLoad(app: App, limits: OverloadLimits): Promise<void> {
  if (limits.perMinute > 0) {
    await app.register(fastifyRateLimit, {
      global: true,
      max: limits.perMinute,
      timeWindow: 60_000,
      hook: 'onRequest',
      allowList: (req) => !isApi(req.url),
      keyGenerator: (req) => (req.auth ? `session:${req.auth.sessionId}` : `ip:${req.ip}`),
      errorResponseBuilder: (_req, context) => tooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000))),
      addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
      addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': false },
    });
  }
}

/**
 * The cap on requests in flight; add it before the session hook, so that a refusal costs no
 * database work. A request counts until its response is closed (sent, or its client gone).
 */
export function capInFlight(app: App, maxInFlight: number): void {
  if (maxInFlight <= 0) return;
  let inFlight = 0;
  app.addHook('onRequest', async (req, reply) => {
    if (inFlight >= maxInFlight && req.url !== '/healthz') throw new AppError(503, 'overloaded', undefined, { retryAfterSeconds: 1 });
    inFlight++;
    reply.raw.once('close', () => inFlight--);
  });
}

/**
 * Counts the API handlers running, also those whose client has gone (Fastify's close waits for
 * open connections only), and answers a wait for them to end: the database must stay open until
 * then. Add it before the routes.
 */
export function trackHandlers(app: App): (timeoutMs: number) => Promise<void> {
  let running = 0;
  let idle: (() => void) | undefined;
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const handler = route.handler as (this: unknown, ...args: unknown[]) => unknown;
    route.handler = async function (this: unknown, ...args: unknown[]) {
      running++;
      try {
        return await handler.apply(this, args);
      } finally {
        if (--running === 0) idle?.();
      }
    } as typeof route.handler;
  });
  return (timeoutMs) =>
    running === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, timeoutMs).unref();
        });
}
