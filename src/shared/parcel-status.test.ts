import { describe, expect, it } from 'vitest';
import { allowedActions, canMove, moveRefusal, PARCEL_MOVES, PARCEL_STATUSES, type ParcelMove } from './parcel-status.js';

const moves = Object.keys(PARCEL_MOVES) as ParcelMove[];

describe('parcel state table', () => {
  it('allows receive and reject from pending; pickup, waive and a shelf move from awaiting; entries create', () => {
    const allowed: string[] = [];
    for (const s of PARCEL_STATUSES) for (const m of moves) if (canMove(s, m)) allowed.push(`${s}:${m}`);
    expect(allowed.sort()).toEqual([
      'awaiting_pickup:flag',
      'awaiting_pickup:moveShelf',
      'awaiting_pickup:pickup',
      'awaiting_pickup:returnToCourier',
      'awaiting_pickup:waive',
      'exception:resolve',
      'exception:returnToCourier',
      'pending_receipt:receive',
      'pending_receipt:reject',
      'returned:handOver',
      'returned:takeBack',
    ]);
    expect(PARCEL_MOVES.enter).toMatchObject({ from: null, to: 'pending_receipt', by: 'courier' });
    expect(PARCEL_MOVES.enterAtDesk).toMatchObject({ from: null, to: 'awaiting_pickup', by: 'staff', notice: 'parcel_received' });
  });

  it('ends in picked_up, rejected or returned, from which nothing moves but the hand-over of a returned one', () => {
    for (const m of moves) {
      expect(canMove('picked_up', m)).toBe(false);
      expect(canMove('rejected', m)).toBe(false);
      if (PARCEL_MOVES[m].to !== 'returned' || PARCEL_MOVES[m].from !== 'returned') expect(canMove('returned', m)).toBe(false);
    }
    expect(moveRefusal({ status: 'returned', feeFen: 0, feeWaived: false, takenBack: true }, 'takeBack')).toBe('already_taken_back');
    expect(PARCEL_MOVES.receive.to).toBe('awaiting_pickup');
    expect(PARCEL_MOVES.reject.to).toBe('rejected');
    expect(PARCEL_MOVES.pickup.to).toBe('picked_up');
  });

  it('answers the desk’s actions: a fee to waive only while there is one', () => {
    expect(allowedActions({ status: 'pending_receipt', feeFen: 0, feeWaived: false })).toEqual(['receive', 'reject']);
    expect(allowedActions({ status: 'awaiting_pickup', feeFen: 0, feeWaived: false })).toEqual(['pickup', 'moveShelf', 'flag', 'returnToCourier']);
    expect(allowedActions({ status: 'awaiting_pickup', feeFen: 200, feeWaived: false })).toEqual(['pickup', 'waive', 'moveShelf', 'flag', 'returnToCourier']);
    expect(allowedActions({ status: 'awaiting_pickup', feeFen: 0, feeWaived: true })).toEqual(['pickup', 'moveShelf', 'flag', 'returnToCourier']);
    expect(allowedActions({ status: 'exception', feeFen: 0, feeWaived: false })).toEqual(['resolve', 'returnToCourier']);
    expect(allowedActions({ status: 'picked_up', feeFen: 200, feeWaived: false })).toEqual([]);
    expect(moveRefusal({ status: 'awaiting_pickup', feeFen: 0, feeWaived: false }, 'waive')).toBe('nothing_to_waive');
    expect(moveRefusal({ status: 'rejected', feeFen: 0, feeWaived: false }, 'waive')).toBe('invalid_state');
  });
});
