import type { WebhookEvent } from './constants.js';

/** The parcel state machine of SPEC.md §3: the one table that says which moves exist, from where, to where. */
export const PARCEL_STATUSES = ['pending_receipt', 'awaiting_pickup', 'picked_up', 'rejected', 'exception', 'returned'] as const;
export type ParcelStatus = (typeof PARCEL_STATUSES)[number];

/** 问题件's kinds: lost, damaged, wrong address, no such recipient, other. */
export const EXCEPTION_KINDS = ['lost', 'damaged', 'wrong_address', 'no_recipient', 'other'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];
export const EXCEPTION_KIND_LABELS: Record<ExceptionKind, string> = {
  lost: '丢失',
  damaged: '破损',
  wrong_address: '地址错误',
  no_recipient: '查无此人',
  other: '其他',
};

/** What a move's guard sees of a parcel: its state and its fee as of now. */
export interface MoveView {
  status: ParcelStatus;
  feeFen: number;
  feeWaived: boolean;
  /** A returned parcel the courier has taken back. */
  takenBack?: boolean;
}

/** Why a move cannot be made: the API's error code. */
export type MoveRefusal = 'invalid_state' | 'nothing_to_waive' | 'already_taken_back';

interface MoveRule {
  /** The state (or one of the states) the parcel must be in; null: the move creates it. */
  from: ParcelStatus | readonly ParcelStatus[] | null;
  to: ParcelStatus;
  /** Who makes it: a courier (entering) or the desk. */
  by: 'courier' | 'staff';
  /** The notice queued with it, to the recipient or the courier. */
  notice: 'parcel_received' | 'parcel_rejected' | 'parcel_returned' | null;
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
  /** 问题件: flagged (lost, damaged, wrong address, no recipient, other); its code and shelf place are released. */
  flag: { from: 'awaiting_pickup', to: 'exception', by: 'staff', notice: null, webhook: 'parcel.exception' },
  /** 解决: back to waiting, with a fresh pickup code the resident is sent. */
  resolve: { from: 'exception', to: 'awaiting_pickup', by: 'staff', notice: 'parcel_received', webhook: 'parcel.received' },
  /** 退回: waiting or flagged, given back to its courier, who is told to come for it. */
  returnToCourier: { from: ['awaiting_pickup', 'exception'], to: 'returned', by: 'staff', notice: 'parcel_returned', webhook: 'parcel.returned' },
  /** 已取回, recorded by the desk: the courier took the returned parcel away. */
  handOver: {
    from: 'returned',
    to: 'returned',
    by: 'staff',
    notice: null,
    guard: { holds: (p) => !p.takenBack, error: 'already_taken_back' },
  },
  /** 已取回, confirmed by the courier in the app. */
  takeBack: {
    from: 'returned',
    to: 'returned',
    by: 'courier',
    notice: null,
    guard: { holds: (p) => !p.takenBack, error: 'already_taken_back' },
  },
} as const satisfies Record<string, MoveRule>;
export type ParcelMove = keyof typeof PARCEL_MOVES;

/** The moves the desk may make on an existing parcel: what the API answers as `actions`. */
export const STAFF_ACTIONS = [
  'receive',
  'reject',
  'pickup',
  'waive',
  'moveShelf',
  'flag',
  'resolve',
  'returnToCourier',
  'handOver',
] as const satisfies readonly ParcelMove[];
export type StaffAction = (typeof STAFF_ACTIONS)[number];

export const PARCEL_STATUS_LABELS: Record<ParcelStatus, string> = {
  pending_receipt: '待接收',
  awaiting_pickup: '待领取',
  picked_up: '已领取',
  rejected: '已拒收',
  exception: '问题件',
  returned: '已退回',
};

/** The states a move starts from (none for an entry). */
export function fromStates(move: ParcelMove): readonly ParcelStatus[] {
  const from: MoveRule['from'] = PARCEL_MOVES[move].from;
  return from === null ? [] : typeof from === 'string' ? [from] : from;
}

/** Whether `move` is allowed from `status` (its guard aside). */
export function canMove(status: ParcelStatus, move: ParcelMove): boolean {
  return fromStates(move).includes(status);
}

/** Why `move` cannot be made on `p` (an error code), or null when it can. */
export function moveRefusal(p: MoveView, move: ParcelMove): MoveRefusal | null {
  const rule: MoveRule = PARCEL_MOVES[move];
  if (!canMove(p.status, move)) return 'invalid_state';
  if (rule.guard && !rule.guard.holds(p)) return rule.guard.error;
  return null;
}

/** The desk's moves allowed on `p` now: the buttons a screen shows. */
export function allowedActions(p: MoveView): StaffAction[] {
  return STAFF_ACTIONS.filter((m) => moveRefusal(p, m) === null);
}
