import type { WebhookEvent } from './constants.js';

/** The parcel state machine of SPEC.md §3: the one table that says which moves exist, from where, to where. */
export const PARCEL_STATUSES = ['pending_receipt', 'awaiting_pickup', 'picked_up', 'rejected'] as const;
export type ParcelStatus = (typeof PARCEL_STATUSES)[number];

/** What a move's guard sees of a parcel: its state and its fee as of now. */
export interface MoveView {
  status: ParcelStatus;
  feeFen: number;
  feeWaived: boolean;
}

/** Why a move cannot be made: the API's error code. */
export type MoveRefusal = 'invalid_state' | 'nothing_to_waive';

interface MoveRule {
  /** The state the parcel must be in (null: the move creates it). */
  from: ParcelStatus | null;
  to: ParcelStatus;
  /** Who makes it: a courier (entering) or the desk. */
  by: 'courier' | 'staff';
  /** The notice queued with it, to the recipient or the courier. */
  notice: 'parcel_received' | 'parcel_rejected' | null;
  /** The webhook event it raises (SPEC §17). */
  webhook?: WebhookEvent;
  /** A further condition, with the error code when it fails. */
  guard?: { holds: (p: MoveView) => boolean; error: MoveRefusal };
}

export const PARCEL_MOVES = {
  /** 派送: the courier enters a parcel for the desk to receive. */
  enter: { from: null, to: 'pending_receipt', by: 'courier', notice: null },
  /** 入库 at the desk: entered and received at once. */
  enterAtDesk: { from: null, to: 'awaiting_pickup', by: 'staff', notice: 'parcel_received', webhook: 'parcel.received' },
  /** 接收 */
  receive: { from: 'pending_receipt', to: 'awaiting_pickup', by: 'staff', notice: 'parcel_received', webhook: 'parcel.received' },
  /** 拒收 */
  reject: { from: 'pending_receipt', to: 'rejected', by: 'staff', notice: 'parcel_rejected', webhook: 'parcel.rejected' },
  /** 领取 */
  pickup: { from: 'awaiting_pickup', to: 'picked_up', by: 'staff', notice: null, webhook: 'parcel.picked_up' },
  /** 撤销: the custody fee waived, while there is one. */
  waive: {
    from: 'awaiting_pickup',
    to: 'awaiting_pickup',
    by: 'staff',
    notice: null,
    guard: { holds: (p) => p.feeFen > 0 && !p.feeWaived, error: 'nothing_to_waive' },
  },
  /** 移库: to another shelf place. */
  moveShelf: { from: 'awaiting_pickup', to: 'awaiting_pickup', by: 'staff', notice: null },
} as const satisfies Record<string, MoveRule>;
export type ParcelMove = keyof typeof PARCEL_MOVES;

/** The moves the desk may make on an existing parcel: what the API answers as `actions`. */
export const STAFF_ACTIONS = ['receive', 'reject', 'pickup', 'waive', 'moveShelf'] as const satisfies readonly ParcelMove[];
export type StaffAction = (typeof STAFF_ACTIONS)[number];

export const PARCEL_STATUS_LABELS: Record<ParcelStatus, string> = {
  pending_receipt: '待接收',
  awaiting_pickup: '待领取',
  picked_up: '已领取',
  rejected: '已拒收',
};

/** Whether `move` is allowed from `status` (its guard aside). */
export function canMove(status: ParcelStatus, move: ParcelMove): boolean {
  return PARCEL_MOVES[move].from === status;
}

/** Why `move` cannot be made on `p` (an error code), or null when it can. */
export function moveRefusal(p: MoveView, move: ParcelMove): MoveRefusal | null {
  const rule: MoveRule = PARCEL_MOVES[move];
  if (rule.from !== p.status) return 'invalid_state';
  if (rule.guard && !rule.guard.holds(p)) return rule.guard.error;
  return null;
}

/** The desk's moves allowed on `p` now: the buttons a screen shows. */
export function allowedActions(p: MoveView): StaffAction[] {
  return STAFF_ACTIONS.filter((m) => moveRefusal(p, m) === null);
}
