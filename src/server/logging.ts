import type { FastifyRequest } from 'fastify';
import { stdSerializers } from 'pino';

/**
 * Masks runs of 6 or more digits (phones, pickup codes, OTPs in query strings) to their last 4,
 * or wholly when shorter than a phone, so that logs never hold them in full.
 */
export function maskDigits(text: string): string {
  return text.replace(/\d{6,}/g, (run) => (run.length >= 11 ? '*'.repeat(run.length - 4) + run.slice(-4) : '*'.repeat(run.length)));
}

/** Query parameters that carry a credential (WeChat's OAuth code and state) are logged as `[redacted]`. */
const SECRET_PARAMS = /([?&](?:code|state|token)=)[^&#]*/g;

/**
 * Control characters and the line and paragraph separators of a decoded URL, written as \\uXXXX:
 * a log viewer that breaks lines at U+2028 or U+0085 would otherwise show a forged entry.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The request as logged: method, masked URL, route; never headers (cookies, bearer tokens) or bodies. */
export function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: maskDigits(decodeURIComponentSafe(req.url).replace(SECRET_PARAMS, '$1[redacted]')).replace(UNPRINTABLE, escapeChar),
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
  'password',
  '*.password',
  'adminPassword',
  '*.adminPassword',
  'code',
  '*.code',
  'phone',
  '*.phone',
  'token',
  '*.token',
  'pickupCode',
  '*.pickupCode',
  'recipientPhone',
  '*.recipientPhone',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

/**
 * An error as logged: pino's own serializer, then every text of it masked. A database error's
 * message or detail may quote the values of the row (`Key (recipient_phone)=(…)`).
 */
export function serializeError(err: Error): { type: string; message: string; stack: string; [key: string]: unknown } {
  const plain = stdSerializers.err(err);
  const masked = maskTexts(plain) as Record<string, unknown>;
  return { ...masked, type: plain.type, message: String(masked.message), stack: String(masked.stack) };
}

/** Every text of a serialized error masked, its causes' too (a UniqueViolation wraps the database's error). */
function maskTexts(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskDigits(value);
  if (typeof value !== 'object' || value === null || depth > 5) return value;
  if (Array.isArray(value)) return value.map((v) => maskTexts(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'type' ? v : maskTexts(v, depth + 1);
  return out;
}
