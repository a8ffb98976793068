import { randomInt } from 'node:crypto';
import { PICKUP_CODE_LENGTH } from '../../../shared/constants.js';

/** A 6-digit pickup code from the cryptographic random source: not guessable from other codes. */
export function randomPickupCode(): string {
  return String(randomInt(0, 10 ** PICKUP_CODE_LENGTH)).padStart(PICKUP_CODE_LENGTH, '0');
}
