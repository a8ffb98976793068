// Webhooks (SPEC §17): subscriptions, the events of parcel moves queued in the move's unit of
// work, the delivery log and 重发. Sending is webhooks.delivery.ts.
import { randomBytes } from 'node:crypto';
import type { StaffAuth } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { DAY_MS, WEBHOOK_LIMITS, type WebhookEvent } from '../../../shared/constants.js';
import { maskPhone } from '../../../shared/phone.js';
import { hasKey } from '../integrations/integrations.service.js';
import { checkedAddresses, RefusedUrl, urlProblem, type Resolver } from './address-guard.js';
import * as repo from './webhooks.repo.js';
import type { WebhookCreateReq, WebhookParcel, WebhookViewT } from './webhooks.schema.js';
import type { WebhookDeliveryStatus } from '../../db/types.js';

export interface UrlGuard {
  allowPrivate: boolean;
  resolve: Resolver;
}

type WebhookRow = Awaited<ReturnType<typeof repo.listWebhooks>>[number];
const present = (r: WebhookRow): WebhookViewT => ({
  id: Number(r.id),
  url: r.url,
  events: JSON.parse(r.events) as WebhookEvent[],
  apiKeyId: r.api_key_id === null ? null : Number(r.api_key_id),
  createdAt: r.created_at,
});

const urlRefused = (message: string) => badRequest('url_refused', message, { issues: [{ path: 'body/url', code: 'url_refused', message }] });

/** A subscription: an https URL on a public address (checked now, and again at every delivery), and a fresh signing secret shown once. */
export async function createWebhook(ctx: Ctx, auth: StaffAuth, body: WebhookCreateReq, guard: UrlGuard) {
  const orgId = auth.staff.orgId;
  const problem = urlProblem(body.url, guard.allowPrivate);
  if (problem) throw urlRefused(problem);
  try {
    await checkedAddresses(new URL(body.url).hostname, guard.allowPrivate, guard.resolve);
  } catch (err) {
    if (err instanceof RefusedUrl) throw urlRefused(err.message);
    throw err;
  }
  if (body.apiKeyId !== undefined && !(await hasKey(ctx, orgId, body.apiKeyId))) {
    throw badRequest('validation_error', '密钥不存在', { issues: [{ path: 'body/apiKeyId', code: 'not_found', message: '密钥不存在' }] });
  }
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const row = await inTransaction(ctx, async (ctx) => {
    if ((await repo.listWebhooks(ctx.db, orgId)).length >= WEBHOOK_LIMITS.perOrg)
      throw conflict('limit_reached', `每个物业最多${WEBHOOK_LIMITS.perOrg}个回调地址`);
    const inserted = await repo.insertWebhook(ctx.db, {
      org_id: orgId,
      url: new URL(body.url).toString(),
      events: JSON.stringify(body.events),
      secret,
      api_key_id: body.apiKeyId ?? null,
      created_at: nowIso(ctx),
    });
    ctx.audit({
      action: 'webhook.create',
      entity: 'webhook',
      entityId: inserted.id,
      changes: { url: inserted.url, events: body.events, apiKeyId: body.apiKeyId },
    });
    return inserted;
  });
  return { ...present(row), secret };
}

export async function listWebhooks(ctx: Ctx, auth: StaffAuth) {
  const rows = await repo.listWebhooks(ctx.db, auth.staff.orgId);
  return { items: rows.map(present), total: rows.length };
}

export async function deleteWebhook(ctx: Ctx, auth: StaffAuth, id: number): Promise<void> {
  await inTransaction(ctx, async (ctx) => {
    const hook = await repo.findWebhook(ctx.db, auth.staff.orgId, id);
    if (!hook || !(await repo.deleteWebhook(ctx.db, auth.staff.orgId, id))) throw notFound();
    ctx.audit({ action: 'webhook.delete', entity: 'webhook', entityId: id, changes: { url: hook.url, events: JSON.parse(hook.events) as unknown } });
  });
}

async function ownWebhook(ctx: Ctx, auth: StaffAuth, id: number) {
  const hook = await repo.findWebhook(ctx.db, auth.staff.orgId, id);
  if (!hook) throw notFound();
  return hook;
}

export async function listDeliveries(ctx: Ctx, auth: StaffAuth, id: number, q: { status?: WebhookDeliveryStatus; page: number; pageSize: number }) {
  await ownWebhook(ctx, auth, id);
  const r = await repo.listDeliveries(ctx.db, auth.staff.orgId, id, q.status, q.page, q.pageSize);
  return {
    total: r.total,
    items: r.items.map((d) => ({
      id: Number(d.id),
      eventId: d.event_id,
      type: d.type,
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.last_status_code,
      lastError: d.last_error,
      nextAttemptAt: d.status === 'queued' ? d.next_attempt_at : null,
      deliveredAt: d.delivered_at,
      at: d.created_at,
    })),
  };
}

async function ownDelivery(ctx: Ctx, auth: StaffAuth, id: number, deliveryId: number) {
  await ownWebhook(ctx, auth, id);
  const d = await repo.findDelivery(ctx.db, auth.staff.orgId, id, deliveryId);
  if (!d) throw notFound();
  return d;
}

export async function listAttempts(ctx: Ctx, auth: StaffAuth, id: number, deliveryId: number) {
  await ownDelivery(ctx, auth, id, deliveryId);
  const rows = await repo.listAttempts(ctx.db, auth.staff.orgId, deliveryId);
  return { items: rows.map((a) => ({ at: a.at, statusCode: a.status_code, error: a.error, durationMs: a.duration_ms })) };
}

/** 重发: the same event (id and body) queued again, due now, for another 24 hours of retries. */
export async function resend(ctx: Ctx, auth: StaffAuth, id: number, deliveryId: number): Promise<void> {
  const d = await ownDelivery(ctx, auth, id, deliveryId);
  await inTransaction(ctx, async (u) => {
    await repo.requeue(u.db, auth.staff.orgId, deliveryId, nowIso(u));
    u.audit({ action: 'webhook.resend', entity: 'webhook', entityId: id, changes: { deliveryId, status: [d.status, 'queued'] } });
  });
  ctx.webhookKick();
}

/**
 * Queues event `type` of these parcels (their events' ids alongside) for every subscription of
 * their orgs to it, in the caller's unit of work. The body is fixed now: the same id and bytes on
 * every attempt. A receiver's phones are in full only when its key holds `parcels:read`; a
 * subscription whose key was revoked gets nothing.
 */
export async function queueWebhookEvents(ctx: Ctx, type: WebhookEvent, parcels: WebhookParcel[], eventIds: number[]): Promise<void> {
  if (parcels.length === 0) return;
  const subs = (await repo.subscriptionsOf(ctx.db, [...new Set(parcels.map((p) => p.orgId))])).filter(
    (s) => (JSON.parse(s.events) as string[]).includes(type) && !(s.api_key_id !== null && (s.scopes === null || s.revoked_at !== null)),
  );
  if (subs.length === 0) return;
  const at = nowIso(ctx);
  const rows = subs.flatMap((s) => {
    const fullPhones = s.scopes !== null && (JSON.parse(s.scopes) as string[]).includes('parcels:read');
    return parcels.flatMap((p, i) => {
      if (p.orgId !== Number(s.org_id)) return [];
      const { orgId: _org, ...parcel } = p;
      const eventId = `evt_${eventIds[i] ?? 0}`;
      const shown = fullPhones ? parcel : { ...parcel, recipientPhone: maskPhone(parcel.recipientPhone), recipientName: '' };
      return [
        {
          org_id: p.orgId,
          webhook_id: Number(s.id),
          event_id: eventId,
          type,
          body: JSON.stringify({ id: eventId, type, createdAt: at, data: { parcel: shown } }),
          status: 'queued' as const,
          next_attempt_at: at,
          created_at: at,
          locked_until: null,
          last_status_code: null,
          last_error: null,
          delivered_at: null,
        },
      ];
    });
  });
  await repo.insertDeliveries(ctx.db, rows);
  ctx.afterCommit(ctx.webhookKick);
}

/** Drops finished deliveries older than 30 days (housekeeping). */
export function pruneDeliveries(ctx: Ctx): Promise<void> {
  return repo.deleteDeliveriesBefore(ctx.db, new Date(ctx.now().getTime() - WEBHOOK_LIMITS.keepDays * DAY_MS).toISOString());
}
