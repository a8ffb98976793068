import { z } from 'zod';
import { EffectivePreference } from '../preferences/preferences.schema.js';
import { MAX_BATCH } from '../../../shared/constants.js';
import { EXCEPTION_KINDS, PARCEL_STATUSES, STAFF_ACTIONS } from '../../../shared/parcel-status.js';
import { Carrier, DayOrInstant, Id, MobilePhone, Pagination, QueryBool, Text, TrackingNo } from '../../../shared/schemas.js';

export const ParcelStatus = z.enum(PARCEL_STATUSES);

export const ParcelView = z.object({
  id: z.number(),
  communityId: z.number(),
  communityName: z.string(),
  collectionPointName: z.string(),
  carrier: z.string(),
  trackingNo: z.string(),
  courier: z.object({ id: z.number().nullable(), name: z.string(), phone: z.string() }),
  recipientName: z.string(),
  recipientPhone: z.string(),
  address: z.string().nullable(),
  status: ParcelStatus,
  damaged: z.boolean(),
  enteredAt: z.string(),
  receivedAt: z.string().nullable(),
  pickedUpAt: z.string().nullable(),
  rejectedAt: z.string().nullable(),
  rejectReason: z.string().nullable(),
  pickupCode: z.string().nullable(),
  feeFen: z.number(),
  feeRateFen: z.number().nullable(),
  feeWaived: z.boolean(),
  feeChargedFen: z.number().nullable(),
  /** 已支付: the custody fee the resident paid online (then nothing is due at the desk). */
  feePaidFen: z.number().nullable(),
  feePaidAt: z.string().nullable(),
  /** Station mode: the shelf it waits on and its label there (null without shelves). */
  shelfId: z.number().nullable(),
  shelfLabel: z.string().nullable(),
  source: z.enum(['courier', 'desk']),
  // SPEC §15 (defaults: answers stored before they existed, replayed by an Idempotency-Key).
  /** 问题件: what was found wrong, the note, when (kept once resolved or returned). */
  exception: z
    .object({ kind: z.enum(EXCEPTION_KINDS), note: z.string().nullable(), at: z.string() })
    .nullable()
    .default(null),
  /** 退回: when, why, and when the courier took it back. */
  returnedAt: z.string().nullable().default(null),
  returnReason: z.string().nullable().default(null),
  takenBackAt: z.string().nullable().default(null),
  /** 家人代领: who collected it (the phone masked). */
  pickedUpBy: z
    .object({ relation: z.enum(['self', 'proxy', 'delivery']), phone: z.string() })
    .nullable()
    .default(null),
  /** 领取凭证: a photo or signature is kept (GET /api/parcels/:id/proof, staff only). */
  hasProof: z.boolean().default(false),
  /** 滞留: waiting longer than the community's returnAfterDays. */
  stale: z.boolean().default(false),
  /** The desk's moves allowed now, by the state table (src/shared/parcel-status.ts): the buttons a screen shows; empty for couriers and residents. */
  actions: z.array(z.enum(STAFF_ACTIONS)).default([]), // default: answers stored before it existed (idempotent replays)
  /** 收件偏好 of the recipient now (快递记录, parcels awaiting pickup): a 送货上门 or 其他 one is held against it. */
  preference: EffectivePreference.nullable().optional(),
});
export type ParcelViewT = z.infer<typeof ParcelView>;

export const ParcelEventView = z.object({
  at: z.string(),
  actor: z.object({ kind: z.enum(['staff', 'courier', 'system']), id: z.number().nullable(), name: z.string() }),
  from: ParcelStatus.nullable(),
  to: ParcelStatus,
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export const ParcelDetailView = ParcelView.extend({
  events: z.array(ParcelEventView),
  /** The 收件偏好 that stood when the parcel was received (now, before that); null when none was recorded. */
  consent: EffectivePreference.extend({ changedAt: z.string() }).nullable(),
});

export const ParcelListQuery = z.strictObject({
  status: ParcelStatus.optional(),
  q: z.string().trim().max(50).optional(),
  communityId: Id.optional(),
  carrier: Carrier.optional(),
  courierId: Id.optional(),
  from: DayOrInstant.optional(),
  to: DayOrInstant.optional(),
  damaged: QueryBool.optional(),
  /** 滞留: only parcels waiting longer than their community's returnAfterDays. */
  stale: QueryBool.optional(),
  ...Pagination,
});
export type ParcelListReq = z.infer<typeof ParcelListQuery>;

export const ReceiveBody = z.strictObject({ damaged: z.boolean().optional() }).default({});
export const RejectBody = z.strictObject({ reason: Text(200).optional() }).default({});
export const PickupBody = z.strictObject({
  feeFen: z.number().int().min(0).max(100_000_000),
  /** 家人代领: who collects, when not the recipient: a phone the recipient authorized (403 `not_authorized` otherwise). */
  collectorPhone: MobilePhone.optional(),
});
const BatchIds = z.array(Id).min(1).max(MAX_BATCH);
export const BatchReceiveBody = z.strictObject({ ids: BatchIds, damaged: z.boolean().optional() });
export const BatchRejectBody = z.strictObject({ ids: BatchIds, reason: Text(200).optional() });
export const BatchReply = z.object({
  done: z.array(z.number()),
  failed: z.array(z.object({ id: z.number(), error: z.string(), message: z.string() })),
});

export { TrackingNo };

export const CourierEntryBody = z.strictObject({
  communityId: Id,
  trackingNo: TrackingNo,
  recipientPhone: MobilePhone,
  recipientName: Text(50),
});
export type CourierEntryReq = z.infer<typeof CourierEntryBody>;
export const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'Idempotency-Key 为1到200个可见ASCII字符');

/** 派送快递: the courier typed a phone; is it a resident of that community? */
export const RecipientQuery = z.strictObject({ communityId: Id, phone: MobilePhone });
export const RecipientReply = z.object({ recipient: z.object({ name: z.string(), address: z.string() }).nullable() });

export const OwnParcelsQuery = z.strictObject({ status: ParcelStatus.optional(), ...Pagination });
export const ParcelPage = z.object({
  items: z.array(ParcelView),
  total: z.number(),
  /** A search with more matches than SEARCH_COUNT_CAP: `total` is the cap, the list goes on. */
  totalCapped: z.literal(true).optional(),
});
