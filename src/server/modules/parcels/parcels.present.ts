import { custodyFeeFen } from '../../../shared/fee.js';
import { DAY_MS } from '../../../shared/constants.js';
import { allowedActions } from '../../../shared/parcel-status.js';
import { maskName, maskPhone } from '../../../shared/phone.js';
import type { ParcelEventRow } from '../../db/types.js';
import type { ParcelJoined } from './parcels.repo.js';
import type { ParcelViewT } from './parcels.schema.js';

/** Who is looking: staff see everything; a courier or a resident sees others' phones masked. */
export type Audience = 'staff' | 'courier' | 'resident';

/**
 * The fee due as of `now`: running while awaiting pickup (nothing once paid online: the fee stops
 * at the payment), as charged once picked up, else nothing.
 */
export function feeAsOf(
  p: Pick<ParcelJoined, 'status' | 'received_at' | 'fee_rate_fen' | 'fee_waived' | 'fee_charged_fen' | 'fee_paid_at'>,
  now: Date,
): number {
  if (p.status === 'picked_up') return p.fee_charged_fen ?? 0;
  if (p.status !== 'awaiting_pickup' || p.fee_paid_at !== null) return 0;
  return custodyFeeFen({ receivedAt: p.received_at, feeRateFen: p.fee_rate_fen ?? 0, waived: p.fee_waived === 1, now });
}

/** 滞留: waiting longer than its community's `returnAfterDays` (0: never stale). */
export function isStale(p: Pick<ParcelJoined, 'status' | 'received_at' | 'return_after_days'>, now: Date): boolean {
  return (
    p.status === 'awaiting_pickup' &&
    p.return_after_days > 0 &&
    p.received_at !== null &&
    Date.parse(p.received_at) < now.getTime() - p.return_after_days * DAY_MS
  );
}

/** A parcel as an answer carries it, for one audience. */
export function presentParcel(p: ParcelJoined, now: Date, audience: Audience): ParcelViewT {
  const feeFen = feeAsOf(p, now);
  return {
    id: p.id,
    communityId: p.community_id,
    communityName: p.community_name,
    collectionPointName: p.collection_point_name,
    carrier: p.carrier,
    trackingNo: p.tracking_no,
    courier: {
      id: audience === 'staff' ? p.courier_id : null,
      name: audience === 'resident' ? maskName(p.courier_name) : p.courier_name,
      phone: audience === 'resident' ? maskPhone(p.courier_phone) : p.courier_phone,
    },
    recipientName: p.recipient_name,
    recipientPhone: audience === 'courier' ? maskPhone(p.recipient_phone) : p.recipient_phone,
    address: audience === 'courier' ? null : p.address,
    status: p.status,
    damaged: p.damaged === 1,
    enteredAt: p.entered_at,
    receivedAt: p.received_at,
    pickedUpAt: p.picked_up_at,
    rejectedAt: p.rejected_at,
    rejectReason: p.reject_reason,
    // The code is the resident's key: never shown to the courier, only while awaiting pickup.
    pickupCode: p.status === 'awaiting_pickup' && audience !== 'courier' ? p.pickup_code : null,
    feeFen,
    feeRateFen: p.fee_rate_fen,
    feeWaived: p.fee_waived === 1,
    feeChargedFen: p.fee_charged_fen,
    feePaidFen: p.fee_paid_fen,
    feePaidAt: p.fee_paid_at,
    // Where it waits: for the desk and the resident (it is no secret: the code releases it).
    shelfId: audience === 'staff' ? p.shelf_id : null,
    shelfLabel: audience === 'courier' || (audience === 'resident' && p.status !== 'awaiting_pickup') ? null : p.shelf_label,
    source: p.source,
    exception: p.exception_kind && p.exception_at ? { kind: p.exception_kind, note: audience === 'staff' ? p.exception_note : null, at: p.exception_at } : null,
    returnedAt: p.returned_at,
    returnReason: p.return_reason,
    takenBackAt: p.taken_back_at,
    pickedUpBy: p.picked_up_relation && p.picked_up_phone ? { relation: p.picked_up_relation, phone: maskPhone(p.picked_up_phone) } : null,
    hasProof: p.has_proof === 1,
    stale: isStale(p, now),
    actions: audience === 'staff' ? allowedActions({ status: p.status, feeFen, feeWaived: p.fee_waived === 1, takenBack: p.taken_back_at !== null }) : [],
  };
}

export function presentEvent(e: ParcelEventRow) {
  return {
    at: e.at,
    actor: { kind: e.actor_kind, id: e.actor_id, name: e.actor_name },
    from: e.from_status,
    to: e.to_status,
    detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : null,
  };
}
