import { z } from 'zod';

export const NotificationStatus = z.enum(['queued', 'sent', 'failed', 'capped']);

/** One outbox message as 通知记录 lists it. */
export const NotificationView = z.object({
  id: z.number(),
  parcelId: z.number().nullable(),
  kind: z.enum(['parcel_received', 'parcel_rejected', 'pickup_reminder', 'parcel_returned', 'parcel_stale', 'parcel_due_back']),
  channel: z.enum(['sms', 'wechat']),
  to: z.string(),
  text: z.string(),
  status: NotificationStatus,
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});
