import { z } from 'zod';
import { Carrier, Id, MobilePhone, Text, TrackingNo } from '../../../shared/schemas.js';
import { OPEN_API_LIMITS } from '../../../shared/constants.js';

/** What a key may do: push pre-advice; read parcels (and see phones in its webhooks' bodies); read 收件偏好 by phone hash. */
export const API_SCOPES = ['pre_advice:write', 'parcels:read', 'preferences:read'] as const;
export const ApiScope = z.enum(API_SCOPES);
export type ApiScopeT = z.infer<typeof ApiScope>;

export const KeyCreateBody = z.strictObject({
  name: Text(50),
  scopes: z
    .array(ApiScope)
    .min(1, '至少选择一项权限')
    .max(API_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, '权限不能重复'),
});
export type KeyCreateReq = z.infer<typeof KeyCreateBody>;

export const KeyView = z.object({
  id: z.number(),
  name: z.string(),
  scopes: z.array(ApiScope),
  /** The key's first characters, to recognise it by (the key itself is shown once, at creation). */
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** With `preferences:read`: the org's salt; a phone is asked for as SHA-256 (hex) of salt + phone. */
  phoneSalt: z.string().nullable(),
});
export type KeyViewT = z.infer<typeof KeyView>;
export const KeyCreated = KeyView.extend({ key: z.string().describe('The key: shown only in this answer') });
export const KeyList = z.object({ items: z.array(KeyView), total: z.number() });

/** One item of a pre-advice batch; each is checked on its own (a bad one fails alone). */
export const PreAdviceItem = z.strictObject({
  communityId: Id,
  trackingNo: TrackingNo,
  recipientPhone: MobilePhone,
  recipientName: Text(50).optional(),
  carrier: Carrier.optional(),
});
export type PreAdviceItemT = z.infer<typeof PreAdviceItem>;
export const PreAdviceBody = z.strictObject({
  items: z
    .array(z.unknown())
    .min(1, '至少一项')
    .max(OPEN_API_LIMITS.preAdviceBatch, `一次最多${OPEN_API_LIMITS.preAdviceBatch}项`)
    .describe('Each: { communityId, trackingNo, recipientPhone, recipientName?, carrier? }; checked one by one'),
});
export const PreAdviceReply = z.object({
  accepted: z.number(),
  failed: z.array(z.object({ index: z.number(), error: z.string(), message: z.string() })),
});
export type PreAdviceReplyT = z.infer<typeof PreAdviceReply>;

export const OpenParcelsQuery = z.strictObject({ trackingNo: TrackingNo });
export const OpenParcel = z.object({
  id: z.number(),
  communityId: z.number(),
  trackingNo: z.string(),
  carrier: z.string(),
  status: z.string(),
  shelfLabel: z.string().nullable(),
  receivedAt: z.string().nullable(),
  pickedUpAt: z.string().nullable(),
});
export const OpenParcelList = z.object({ items: z.array(OpenParcel) });

/** The courier app: what a carrier's pre-advice says of a tracking number in a community. */
export const PreAdviceQuery = z.strictObject({ communityId: Id, trackingNo: TrackingNo });
export const PreAdviceFound = z.object({ recipientPhone: z.string(), recipientName: z.string().nullable(), carrier: z.string().nullable() });
