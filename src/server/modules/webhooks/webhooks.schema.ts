import { z } from 'zod';
import { Id, Pagination } from '../../../shared/schemas.js';
import { WEBHOOK_EVENTS } from '../../../shared/constants.js';

export const WebhookEventType = z.enum(WEBHOOK_EVENTS);

export const WebhookCreateBody = z.strictObject({
  url: z.string().trim().min(1, '不能为空').max(500, '不能超过500个字符'),
  events: z
    .array(WebhookEventType)
    .min(1, '至少订阅一个事件')
    .max(WEBHOOK_EVENTS.length)
    .refine((s) => new Set(s).size === s.length, '事件不能重复'),
  apiKeyId: Id.optional().describe('The API key the receiver acts for: phones in full only when it holds parcels:read'),
});
export type WebhookCreateReq = z.infer<typeof WebhookCreateBody>;

export const WebhookView = z.object({
  id: z.number(),
  url: z.string(),
  events: z.array(WebhookEventType),
  apiKeyId: z.number().nullable(),
  createdAt: z.string(),
});
export type WebhookViewT = z.infer<typeof WebhookView>;
export const WebhookCreated = WebhookView.extend({ secret: z.string().describe('The signing secret: shown only in this answer') });
export const WebhookList = z.object({ items: z.array(WebhookView), total: z.number() });

export const DeliveryStatus = z.enum(['queued', 'delivered', 'failed']);
export const DeliveryView = z.object({
  id: z.number(),
  eventId: z.string(),
  type: z.string(),
  status: DeliveryStatus,
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  at: z.string(),
});
export const DeliveryList = z.object({ items: z.array(DeliveryView), total: z.number() });
export const DeliveryQuery = z.strictObject({ status: DeliveryStatus.optional(), ...Pagination });
export const DeliveryParams = z.strictObject({ id: Id, deliveryId: Id });
export const AttemptList = z.object({
  items: z.array(z.object({ at: z.string(), statusCode: z.number().nullable(), error: z.string().nullable(), durationMs: z.number() })),
});

/** What a webhook says of a parcel: its place and state; the phone masked unless the receiver's key holds parcels:read. */
export interface WebhookParcel {
  /** Whose subscriptions hear of it; not in the body. */
  orgId: number;
  id: number;
  communityId: number;
  communityName: string;
  trackingNo: string;
  carrier: string;
  status: string;
  shelfLabel: string | null;
  recipientPhone: string;
  recipientName: string;
  receivedAt: string | null;
  pickedUpAt: string | null;
  rejectedAt: string | null;
  rejectReason: string | null;
}
