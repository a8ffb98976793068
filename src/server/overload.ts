import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { AppError, tooManyRequests } from './errors.js';
import type { App } from './http.js';

export interface OverloadLimits {
  /** Requests being answered at once; past it, 503 at once (0: no cap). */
  maxInFlight: number;
  /** API requests per minute for one session, or one client address without a session (0: no limit). */
  perMinute: number;
}

/** Only the API is limited: the web apps' files and the probes (/healthz, /readyz, /metrics) are not. */
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

const holding = Symbol('in-flight slot');
declare module 'fastify' {
  interface FastifyRequest {
    [holding]?: boolean;
  }
}

/** Whether a request has a body still to arrive (declared by its length or by chunks). */
const hasBody = (req: FastifyRequest) =>
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;

/** The probes a proxy and Prometheus call: never counted, so that they answer while the API is full. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The cap on requests in flight; add it before the session hook, so that a refusal costs no
 * database work. A request counts from its arrival until its response is closed (sent, or its
 * client gone), except while its body is on the way: a client that declares a body and sends it
 * slowly (or never) holds no slot, so a few hundred such sockets cannot make the server refuse
 * everyone else. It takes a slot again once the body has arrived, or is refused then. The probes are
 * never counted; `saturated()` tells /healthz when the cap is reached.
 */
export function capInFlight(app: App, maxInFlight: number): { saturated(): boolean } {
  if (maxInFlight <= 0) return { saturated: () => false };
  let inFlight = 0;
  const take = (req: FastifyRequest) => {
    if (inFlight >= maxInFlight) throw new AppError(503, 'overloaded', undefined, { retryAfterSeconds: 1 });
    inFlight++;
    req[holding] = true;
  };
  const give = (req: FastifyRequest) => {
    if (!req[holding]) return;
    req[holding] = false;
    inFlight--;
  };
  app.addHook('onRequest', async (req, reply) => {
    if (PROBES.has(req.url)) return;
    take(req);
    reply.raw.once('close', () => give(req));
  });
  app.addHook('preParsing', async (req) => {
    if (hasBody(req)) give(req);
  });
  app.addHook('preValidation', async (req) => {
    if (!PROBES.has(req.url) && !req[holding]) take(req);
  });
  return { saturated: () => inFlight >= maxInFlight };
}

/**
 * At most `max` open connections from one client address (0: no cap); the one past it is closed
 * at once, before a byte of it is read. Connections from a trusted proxy (TRUST_PROXY) are not
 * counted: they carry many clients. Needs the server socket, so `app.inject` is not affected.
 */
export function capConnectionsPerAddress(server: Server, max: number, trusted: (address: string) => boolean): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address || trusted(address)) return;
    const n = (open.get(address) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(address, n);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
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
