import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionKind } from '../../db/types.js';

/** The session cookie over plain HTTP (development, a phone on the local network). */
export const SESSION_COOKIE = 'sid';
/**
 * Over HTTPS: the `__Host-` prefix makes the browser refuse the cookie unless it is Secure, set by
 * this host itself for path `/`, so a sibling subdomain cannot plant or overwrite it.
 */
export const SECURE_SESSION_COOKIE = '__Host-sid';

export type CookieSecure = 'auto' | boolean;

const isSecure = (req: FastifyRequest, secure: CookieSecure) => (secure === 'auto' ? req.protocol === 'https' : secure);
const nameFor = (req: FastifyRequest, secure: CookieSecure) => (isSecure(req, secure) ? SECURE_SESSION_COOKIE : SESSION_COOKIE);

/** The session token the request carries, under the cookie name its scheme uses. */
export function sessionToken(req: FastifyRequest, secure: CookieSecure): string | undefined {
  return req.cookies[nameFor(req, secure)];
}

/**
 * Sets the session cookie: HttpOnly; SameSite=Strict for staff (the console never needs its
 * cookie on a request that another site starts), Lax for couriers and residents (WeChat's
 * authorization sends them back to us from its own site).
 */
export function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  secure: CookieSecure,
  kind: SessionKind,
  s: { token: string; maxAgeSeconds: number },
): void {
  reply.setCookie(nameFor(req, secure), s.token, {
    httpOnly: true,
    sameSite: kind === 'staff' ? 'strict' : 'lax',
    path: '/',
    maxAge: s.maxAgeSeconds,
    secure: isSecure(req, secure),
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply, secure: CookieSecure): void {
  reply.clearCookie(nameFor(req, secure), { path: '/', secure: isSecure(req, secure) });
}
