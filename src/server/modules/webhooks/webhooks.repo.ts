import type { ExpressionBuilder, Insertable } from 'kysely';
import { claimSkippingLocked } from '../../db/dialect.js';
import type { Executor } from '../../db/index.js';
import { pageWindow } from '../../db/paging.js';
import type { DB, WebhookDeliveryStatus, WebhookDeliveryTable } from '../../db/types.js';

export function insertWebhook(
  db: Executor,
  row: { org_id: number; url: string; events: string; secret: string; api_key_id: number | null; created_at: string },
) {
  return db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow();
}

export function listWebhooks(db: Executor, orgId: number) {
  return db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId).orderBy('id', 'desc').execute();
}

export function findWebhook(db: Executor, orgId: number, id: number) {
  return db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** A subscription gone with its deliveries and their attempts. */
export async function deleteWebhook(db: Executor, orgId: number, id: number): Promise<boolean> {
  const deliveries = db.selectFrom('webhook_deliveries').select('id').where('org_id', '=', orgId).where('webhook_id', '=', id);
  await db.deleteFrom('webhook_attempts').where('org_id', '=', orgId).where('delivery_id', 'in', deliveries).execute();
  await db.deleteFrom('webhook_deliveries').where('org_id', '=', orgId).where('webhook_id', '=', id).execute();
  const r = await db.deleteFrom('webhooks').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** The subscriptions of these orgs, with the scopes of the key each acts for (none when revoked). */
export function subscriptionsOf(db: Executor, orgIds: number[]) {
  return db
    .selectFrom('webhooks')
    .leftJoin('api_keys', 'api_keys.id', 'webhooks.api_key_id')
    .select(['webhooks.id', 'webhooks.org_id', 'webhooks.events', 'webhooks.api_key_id', 'api_keys.scopes', 'api_keys.revoked_at'])
    .where('webhooks.org_id', 'in', orgIds)
    .execute();
}

export async function insertDeliveries(db: Executor, rows: Insertable<WebhookDeliveryTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
    .execute();
}

/**
 * Leases up to `limit` due deliveries of webhooks other than `busy` until `leaseUntil` (as the
 * notifications' outbox does: ids claimed first, with SKIP LOCKED on PostgreSQL), with the URL
 * and secret of their webhook.
 */
export async function leaseDue(db: Executor, now: string, leaseUntil: string, limit: number, busy: number[]) {
  const free = (eb: ExpressionBuilder<DB, 'webhook_deliveries'>) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]);
  const claimed = await claimSkippingLocked(
    db,
    db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where(free)
      .$if(busy.length > 0, (qb) => qb.where('webhook_id', 'not in', busy))
      .orderBy('next_attempt_at')
      .limit(limit),
  ).execute();
  if (claimed.length === 0) return [];
  const leased = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ locked_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where(
      'id',
      'in',
      claimed.map((r) => r.id),
    )
    .where('status', '=', 'queued')
    .where(free)
    .returning(['id', 'org_id', 'webhook_id', 'event_id', 'type', 'body', 'attempts', 'created_at'])
    .execute();
  if (leased.length === 0) return [];
  const hooks = await db
    .selectFrom('webhooks')
    .select(['id', 'url', 'secret'])
    .where('org_id', 'in', [...new Set(leased.map((r) => r.org_id))])
    .where('id', 'in', [...new Set(leased.map((r) => r.webhook_id))])
    .execute();
  const byId = new Map(hooks.map((h) => [Number(h.id), h]));
  return leased.flatMap((r) => {
    const hook = byId.get(Number(r.webhook_id));
    return hook ? [{ ...r, url: hook.url, secret: hook.secret }] : [];
  });
}

/** Gives back leased deliveries not attempted now, due again at `at` (their attempt not counted). */
export async function releaseLeases(db: Executor, ids: number[], at: string) {
  if (ids.length === 0) return;
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ locked_until: null, next_attempt_at: at, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids)
    .where('status', '=', 'queued')
    .execute();
}

/** The attempt's outcome, and the attempt in the log. */
export async function recordAttempt(
  db: Executor,
  orgId: number,
  id: number,
  outcome: { status: WebhookDeliveryStatus; at: string; nextAt: string; statusCode: number | null; error: string | null; durationMs: number },
) {
  const updated = await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      locked_until: null,
      next_attempt_at: outcome.nextAt,
      last_status_code: outcome.statusCode,
      last_error: outcome.error,
      delivered_at: outcome.status === 'delivered' ? outcome.at : null,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  // A delivery deleted with its webhook meanwhile keeps no attempt.
  if (Number(updated.numUpdatedRows) === 0) return;
  await db
    .insertInto('webhook_attempts')
    .values({ org_id: orgId, delivery_id: id, at: outcome.at, status_code: outcome.statusCode, error: outcome.error, duration_ms: outcome.durationMs })
    .execute();
}

export async function listDeliveries(
  db: Executor,
  orgId: number,
  webhookId: number,
  status: WebhookDeliveryStatus | undefined,
  page: number,
  pageSize: number,
) {
  const { offset, limit } = pageWindow(page, pageSize);
  const base = () =>
    db
      .selectFrom('webhook_deliveries')
      .where('org_id', '=', orgId)
      .where('webhook_id', '=', webhookId)
      .$if(status !== undefined, (qb) => qb.where('status', '=', status ?? 'queued'));
  const [items, total] = await Promise.all([
    base()
      .select(['id', 'event_id', 'type', 'status', 'attempts', 'last_status_code', 'last_error', 'next_attempt_at', 'delivered_at', 'created_at'])
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    base()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export function findDelivery(db: Executor, orgId: number, webhookId: number, id: number) {
  return db
    .selectFrom('webhook_deliveries')
    .select(['id', 'status'])
    .where('org_id', '=', orgId)
    .where('webhook_id', '=', webhookId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listAttempts(db: Executor, orgId: number, deliveryId: number) {
  return db
    .selectFrom('webhook_attempts')
    .select(['at', 'status_code', 'error', 'duration_ms'])
    .where('org_id', '=', orgId)
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
}

/** 重发: the delivery queued again, due now, with the same event id and body. */
export async function requeue(db: Executor, orgId: number, id: number, now: string) {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'queued', next_attempt_at: now, locked_until: null, created_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

/** Drops deliveries (and their attempts) created before `before` that are no longer queued (housekeeping). */
export async function deleteDeliveriesBefore(db: Executor, before: string): Promise<void> {
  const old = db.selectFrom('webhook_deliveries').select('id').where('created_at', '<', before).where('status', '!=', 'queued');
  await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', old).execute();
  await db.deleteFrom('webhook_deliveries').where('created_at', '<', before).where('status', '!=', 'queued').execute();
}
