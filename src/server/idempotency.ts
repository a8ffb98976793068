// Idempotency-Key replays, shared by the courier's intake and the desk's: a request's fingerprint,
// and the answer stored under a key (another body under the same key is refused), kept 48 hours.
import { createHash } from 'node:crypto';
import { unprocessable } from './errors.js';

/** The fingerprint of a request: its fields in a fixed order. */
export function requestHash(fields: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The first answer of a key already used, or undefined; 422 `idempotency_key_reused` for another body. */
export function storedAnswer<T>(prior: { request_hash: string; response: string } | undefined, hash: string): T | undefined {
  if (!prior) return undefined;
  if (prior.request_hash !== hash) throw unprocessable('idempotency_key_reused');
  return JSON.parse(prior.response) as T;
}

/** How long an answer is kept under its key: a client retries within minutes, a courier's outbox within a day or so. */
export const KEY_KEPT_MS = 48 * 3_600_000;

/** The time before which stored answers are dropped (housekeeping). */
export function keysExpireBefore(now: Date): string {
  return new Date(now.getTime() - KEY_KEPT_MS).toISOString();
}
