// The one place a parcel moves: the state table of src/shared/parcel-status.ts applied in the
// caller's unit of work. Every move (enter, enter at the desk, receive, reject, pickup, waive,
// move to a shelf) decides here, writes its row and its event here, and queues its notice here.
import { moveRefusal, PARCEL_MOVES, type ParcelMove } from '../../../shared/parcel-status.js';
import { nowIso, type Ctx } from '../../context.js';
import type { AuditActor, AuditChange } from '../../actors.js';
import { auditRows } from '../audit/audit.trail.js';
import type { NewParcel, ParcelUpdate } from '../../db/types.js';
import { conflict } from '../../errors.js';
import { enqueueNotification } from '../notifications/notifications.service.js';
import { queueWebhookEvents } from '../webhooks/webhooks.service.js';
import type { WebhookParcel } from '../webhooks/webhooks.schema.js';
import * as repo from './parcels.repo.js';
import type { ParcelJoined } from './parcels.repo.js';
import { feeAsOf } from './parcels.present.js';

/** Who makes a move: a staff member, or a courier (by the courier account). */
export interface Actor {
  kind: 'staff' | 'courier';
  id: number;
  name: string;
}

/** A move's change: the columns it sets besides the state, the event's details, the waiver as read. */
export interface MoveChange {
  set?: ParcelUpdate;
  detail?: Record<string, unknown> | null;
  /** The move applies only while the waiver is still as read (pickup at the fee shown). */
  expectWaived?: 0 | 1;
}

/**
 * Makes move `m` of the state table in the caller's unit of work and answers the parcel as it now
 * is. An entry (`from` null) inserts `target.insert`; any other move updates `target.parcel` only
 * if the row is still in the move's `from` state (so of two clerks exactly one wins) and the move's
 * guard holds, else 409 with the table's reason. Then the event (who, when, from, to, details) and
 * the move's notice (to the recipient, or to the courier) are written in the same unit.
 */
export async function applyMove(
  ctx: Ctx,
  m: ParcelMove,
  actor: Actor,
  target: { parcel: ParcelJoined } | { insert: Omit<NewParcel, 'status'> },
  change: MoveChange = {},
) {
  if ('insert' in target) {
    const [entered] = await applyEntries(ctx, m, [{ actor, insert: { ...target.insert, ...change.set }, detail: change.detail }]);
    if (!entered) throw new Error(`move ${m} entered nothing`);
    return entered;
  }
  const rule = PARCEL_MOVES[m];
  if (rule.by !== actor.kind) throw new Error(`move ${m} is made by ${rule.by}, not ${actor.kind}`);
  const p = target.parcel;
  const refusal = moveRefusal({ status: p.status, feeFen: feeAsOf(p, ctx.now()), feeWaived: p.fee_waived === 1, takenBack: p.taken_back_at !== null }, m);
  if (refusal) throw conflict(refusal);
  // Conditional on the state as read (one of the move's), so that of two clerks exactly one wins.
  if (rule.from === null || !(await repo.updateParcelIf(ctx.db, p.id, p.status, { ...change.set, status: rule.to }, change.expectWaived))) {
    throw conflict('invalid_state');
  }
  const { id } = p;
  const at = nowIso(ctx);
  const event = {
    parcel_id: id,
    org_id: p.org_id,
    at,
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_name: actor.name,
    from_status: p.status,
    to_status: rule.to,
    detail: change.detail ? JSON.stringify(change.detail) : null,
  };
  // The event and the move's audit line in one statement (one round trip on PostgreSQL).
  const audit = auditRows(ctx.actor, [moveAudit(m, id, p.org_id, p.status, rule.to, change.set, change.detail)], at);
  const [eventId = 0] = await repo.insertEvents(ctx.db, [event], audit);
  const moved = await repo.getParcel(ctx.db, id);
  if (rule.notice === 'parcel_received') await noticeReceived(ctx, moved, eventId);
  if (rule.notice === 'parcel_rejected') await noticeRejected(ctx, moved, eventId);
  if (rule.notice === 'parcel_returned') await noticeReturned(ctx, moved, eventId);
  if ('webhook' in rule) await queueWebhookEvents(ctx, rule.webhook, [webhookParcel(moved)], [eventId]);
  return moved;
}

/**
 * Entry move `m` (`from` null) for one or several new parcels (concurrent intakes written
 * together): their rows, their events and the move's notices, in three statements for them all.
 * One taken tracking number, code or shelf place fails them all.
 */
export async function applyEntries(
  ctx: Ctx,
  m: ParcelMove,
  entries: { actor: Actor; insert: Omit<NewParcel, 'status'>; detail?: Record<string, unknown> | null; by?: AuditActor }[],
) {
  const rule = PARCEL_MOVES[m];
  if (rule.from !== null) throw new Error(`move ${m} does not create a parcel`);
  for (const e of entries) if (rule.by !== e.actor.kind) throw new Error(`move ${m} is made by ${rule.by}, not ${e.actor.kind}`);
  const ids = await repo.insertParcels(
    ctx.db,
    entries.map((e) => ({ ...e.insert, status: rule.to })),
  );
  const at = nowIso(ctx);
  const eventIds = await repo.insertEvents(
    ctx.db,
    entries.map((e, i) => ({
      parcel_id: ids[i] ?? 0,
      org_id: e.insert.org_id,
      at,
      actor_kind: e.actor.kind,
      actor_id: e.actor.id,
      actor_name: e.actor.name,
      from_status: null,
      to_status: rule.to,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })),
    auditRows(
      ctx.actor,
      entries.map((e, i) => {
        const { org_id, community_id, tracking_no, carrier, recipient_name, recipient_phone, courier_id, shelf_id, damaged } = e.insert;
        const fields = { community_id, tracking_no, carrier, recipient_name, recipient_phone, courier_id, shelf_id, damaged };
        return { ...moveAudit(m, ids[i] ?? 0, org_id, null, rule.to, fields, e.detail), ...(e.by ? { actor: e.by } : {}) };
      }),
      at,
    ),
  );
  const moved = await repo.getParcels(ctx.db, ids);
  if (rule.notice === 'parcel_received') for (const [i, p] of moved.entries()) await noticeReceived(ctx, p, eventIds[i] ?? 0);
  if ('webhook' in rule) await queueWebhookEvents(ctx, rule.webhook, moved.map(webhookParcel), eventIds);
  return moved;
}

/** A move's line of the audit trail: the state's change, the columns set (codes left out there), the event's details. */
function moveAudit(
  m: ParcelMove,
  id: number,
  orgId: number,
  from: string | null,
  to: string,
  set?: ParcelUpdate,
  detail?: Record<string, unknown> | null,
): AuditChange {
  const { status: _status, ...fields } = set ?? {};
  // The trail's names are snake_case (`parcel.enter_at_desk`), the moves' camelCase.
  return {
    action: `parcel.${m.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
    entity: 'parcel',
    entityId: id,
    orgId,
    changes: { status: [from, to], ...fields, ...detail },
  };
}

/** 退件通知 to the courier: which parcel to come for, and where. */
function noticeReturned(ctx: Ctx, p: ParcelJoined, eventId: number) {
  if (!p.courier_phone) return Promise.resolve();
  return enqueueNotification(ctx, {
    orgId: p.org_id,
    parcelId: p.id,
    eventId,
    kind: 'parcel_returned',
    recipient: p.courier_phone,
    params: { community: p.community_name, collectionPoint: p.collection_point_name, trackingNo: p.tracking_no, reason: p.return_reason },
  });
}

/** What a webhook tells of a parcel (never its pickup code). */
function webhookParcel(p: ParcelJoined): WebhookParcel {
  return {
    orgId: p.org_id,
    id: p.id,
    communityId: p.community_id,
    communityName: p.community_name,
    trackingNo: p.tracking_no,
    carrier: p.carrier,
    status: p.status,
    shelfLabel: p.shelf_label,
    recipientPhone: p.recipient_phone,
    recipientName: p.recipient_name,
    receivedAt: p.received_at,
    pickedUpAt: p.picked_up_at,
    rejectedAt: p.rejected_at,
    rejectReason: p.reject_reason,
  };
}

/** 到件通知 to the recipient: where, the code (and the shelf label), the fee rule. */
function noticeReceived(ctx: Ctx, p: ParcelJoined, eventId: number) {
  return enqueueNotification(ctx, {
    orgId: p.org_id,
    parcelId: p.id,
    eventId,
    kind: 'parcel_received',
    recipient: p.recipient_phone,
    params: {
      community: p.community_name,
      carrier: p.carrier,
      trackingTail: p.tracking_no.slice(-4),
      collectionPoint: p.collection_point_name,
      pickupCode: p.pickup_code ?? '',
      feeRateFen: p.fee_rate_fen ?? 0,
      shelfLabel: p.shelf_label,
    },
  });
}

/** 拒收提醒 to the courier: which parcel, and why. */
function noticeRejected(ctx: Ctx, p: ParcelJoined, eventId: number) {
  return enqueueNotification(ctx, {
    orgId: p.org_id,
    parcelId: p.id,
    eventId,
    kind: 'parcel_rejected',
    recipient: p.courier_phone,
    params: { community: p.community_name, trackingNo: p.tracking_no, reason: p.reject_reason, recipientPhone: p.recipient_phone },
  });
}
