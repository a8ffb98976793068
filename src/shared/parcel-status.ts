/** The parcel state machine of SPEC.md §3: the one place that says which moves exist. */
export const PARCEL_STATUSES = ['pending_receipt', 'awaiting_pickup', 'picked_up', 'rejected'] as const;
export type ParcelStatus = (typeof PARCEL_STATUSES)[number];

export const PARCEL_MOVES = {
  receive: { from: 'pending_receipt', to: 'awaiting_pickup' },
  reject: { from: 'pending_receipt', to: 'rejected' },
  pickup: { from: 'awaiting_pickup', to: 'picked_up' },
} as const satisfies Record<string, { from: ParcelStatus; to: ParcelStatus }>;
export type ParcelMove = keyof typeof PARCEL_MOVES;

export const PARCEL_STATUS_LABELS: Record<ParcelStatus, string> = {
  pending_receipt: '待接收',
  awaiting_pickup: '待领取',
  picked_up: '已领取',
  rejected: '已拒收',
};

/** Whether `move` is allowed from `status`. */
export function canMove(status: ParcelStatus, move: ParcelMove): boolean {
  return PARCEL_MOVES[move].from === status;
}
