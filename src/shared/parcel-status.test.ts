import { describe, expect, it } from 'vitest';
import { canMove, PARCEL_MOVES, PARCEL_STATUSES, type ParcelMove } from './parcel-status.js';

describe('parcel state machine', () => {
  it('allows exactly receive and reject from pending, pickup from awaiting', () => {
    const allowed: string[] = [];
    for (const s of PARCEL_STATUSES) {
      for (const m of Object.keys(PARCEL_MOVES) as ParcelMove[]) if (canMove(s, m)) allowed.push(`${s}:${m}`);
    }
    expect(allowed.sort()).toEqual(['awaiting_pickup:pickup', 'pending_receipt:receive', 'pending_receipt:reject']);
  });
  it('ends in picked_up or rejected, from which nothing moves', () => {
    for (const m of Object.keys(PARCEL_MOVES) as ParcelMove[]) {
      expect(canMove('picked_up', m)).toBe(false);
      expect(canMove('rejected', m)).toBe(false);
    }
    expect(PARCEL_MOVES.receive.to).toBe('awaiting_pickup');
    expect(PARCEL_MOVES.reject.to).toBe('rejected');
    expect(PARCEL_MOVES.pickup.to).toBe('picked_up');
  });
});
