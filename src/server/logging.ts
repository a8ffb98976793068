import type { FastifyRequest } from 'fastify';

/**
 * Masks runs of 6 or more digits (phones, pickup codes, OTPs in query strings) to their last 4,
 * or wholly when shorter than a phone, so that logs never hold them in full.
 */
export function maskDigits(text: string): string {
  return text.replace(/\d{6,}/g, (run) => (run.length >= 11 ? '*'.repeat(run.length - 4) + run.slice(-4) : '*'.repeat(run.length)));
}

/** The request as logged: method, masked URL, route; never headers (cookies, bearer tokens) or bodies. */
export function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: maskDigits(decodeURIComponentSafe(req.url)),
    route: req.routeOptions?.url,
    remoteAddress: req.ip,
  };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Paths pino redacts wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'password', '*.password', 'adminPassword', '*.adminPassword', 'code', '*.code', 'phone', '*.phone',
  'token', '*.token', 'pickupCode', '*.pickupCode', 'recipientPhone', '*.recipientPhone',
  'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
];
