// 数据看板 (SPEC §18): the figures of a range of Shanghai days for a staff member's communities,
// read from the daily rollups the triggers keep (migration 2026120801_stats), never by scanning
// parcels; the counts of now (waiting, stale) from the kept state counts and the waiting parcels.
import { shanghaiDayHour } from '../../../shared/time.js';
import type { Scope } from '../../actors.js';
import type { Ctx } from '../../context.js';
import { badRequest } from '../../errors.js';
import { visibleCommunity } from '../communities/communities.service.js';
import { parcelCounts, staleCount } from '../parcels/parcels.service.js';
import type { SheetSpec } from '../spreadsheets/write-table.js';
import { recordExport } from '../audit/audit.service.js';
import * as repo from './stats.repo.js';
import { serviceIncome as serviceIncomeRows } from '../payments/payments.service.js';
import type { StatsQueryReq } from './stats.schema.js';

const DAY_MS = 86_400_000;
/** The longest range a call reads (a year and a month's margin). */
export const MAX_STATS_DAYS = 400;

/** `2026-01-08` plus `n` days. */
function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day of a range, in order. */
export function daysOf(from: string, to: string): string[] {
  // By count, not by comparing texts: past 9999-12-31 a day is written `+010000-01-01`, which sorts before it.
  const n = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
  return Array.from({ length: Math.max(0, Math.min(n, MAX_STATS_DAYS)) }, (_, i) => addDays(from, i));
}

/** The query's range (7 days to today by default) and communities, checked: 400 for a range backwards or too long, 404 for a community not the caller's. */
async function rangeOf(ctx: Ctx, scope: Scope, q: StatsQueryReq): Promise<repo.StatsRange> {
  const today = shanghaiDayHour(ctx.now()).day;
  const to = q.to ?? (q.from && q.from > today ? q.from : today);
  const from = q.from ?? addDays(to, -6);
  if (from > to)
    throw badRequest('validation_error', '开始日期不能晚于结束日期', {
      issues: [{ path: 'querystring/from', code: 'range', message: '开始日期不能晚于结束日期' }],
    });
  // Counted, not listed: a range of centuries must not build a list of its days first.
  if ((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1 > MAX_STATS_DAYS) {
    const message = `日期范围最长${MAX_STATS_DAYS}天`;
    throw badRequest('validation_error', message, { issues: [{ path: 'querystring/to', code: 'range', message }] });
  }
  if (q.communityId !== undefined) await visibleCommunity(ctx, scope, q.communityId);
  return { scope, communityId: q.communityId, from, to };
}

/** 送货上门 and 代寄 paid in the range (not refunded), by day and community. */
function serviceIncome(ctx: Ctx, r: repo.StatsRange) {
  const ids =
    r.communityId !== undefined ? [r.communityId] : r.scope.communityIds === null ? null : r.scope.communityIds.length > 0 ? r.scope.communityIds : [-1];
  return serviceIncomeRows(ctx, r.scope.orgId, ids, r.from, r.to);
}

const sumFen = (rows: { fen: number | string | null }[]) => rows.reduce((a, x) => a + Number(x.fen ?? 0), 0);

/** The value at rank ⌈p·n⌉ of a histogram of hour buckets (nearest rank), or null when it is empty. */
export function percentileHours(buckets: { hours: number; n: number }[], p: number): number | null {
  const total = buckets.reduce((a, b) => a + Number(b.n), 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const b of buckets) {
    seen += Number(b.n);
    if (seen >= rank) return b.hours;
  }
  return buckets[buckets.length - 1]?.hours ?? null;
}

/** The cards: the range's moves, income and messages, the dwell time, and what waits now. */
export async function summary(ctx: Ctx, scope: Scope, q: StatsQueryReq) {
  const r = await rangeOf(ctx, scope, q);
  const [t, dwell, messages, counts, stale, services] = await Promise.all([
    repo.totals(ctx.db, r),
    repo.dwell(ctx.db, r),
    repo.messages(ctx.db, r),
    parcelCounts(ctx, scope, r.communityId),
    staleCount(ctx, scope, r.communityId),
    serviceIncome(ctx, r),
  ]);
  const sent = (channel: string) => messages.filter((m) => m.channel === channel).reduce((a, m) => a + Number(m.sent), 0);
  return {
    from: r.from,
    to: r.to,
    received: Number(t.received),
    pickedUp: Number(t.picked_up),
    rejected: Number(t.rejected),
    returned: Number(t.returned),
    waitingNow: counts.awaiting_pickup,
    staleNow: stale,
    dwellMedianHours: percentileHours(dwell, 0.5),
    dwellP90Hours: percentileHours(dwell, 0.9),
    feeIncomeFen: Number(t.fee_fen),
    feeWaived: Number(t.waived),
    serviceIncomeFen: sumFen(services),
    smsSent: sent('sms'),
    wechatSent: sent('wechat'),
  };
}

/** One row a day of the range, days without a parcel included (zeros). */
export async function daily(ctx: Ctx, scope: Scope, q: StatsQueryReq) {
  const r = await rangeOf(ctx, scope, q);
  const [rows, messages, services] = await Promise.all([repo.byDay(ctx.db, r), repo.messages(ctx.db, r), serviceIncome(ctx, r)]);
  const byDay = new Map(rows.map((d) => [d.day, d]));
  const serviceByDay = new Map<string, number>();
  for (const x of services) serviceByDay.set(x.paid_day ?? '', (serviceByDay.get(x.paid_day ?? '') ?? 0) + Number(x.fen ?? 0));
  const sms = new Map<string, number>();
  for (const m of messages) if (m.channel === 'sms') sms.set(m.day, (sms.get(m.day) ?? 0) + Number(m.sent));
  return {
    items: daysOf(r.from, r.to).map((day) => {
      const d = byDay.get(day);
      return {
        day,
        received: Number(d?.received ?? 0),
        pickedUp: Number(d?.picked_up ?? 0),
        rejected: Number(d?.rejected ?? 0),
        returned: Number(d?.returned ?? 0),
        feeIncomeFen: Number(d?.fee_fen ?? 0),
        serviceIncomeFen: serviceByDay.get(day) ?? 0,
        smsSent: sms.get(day) ?? 0,
      };
    }),
  };
}

/** 快递员: who brought how many, and how many were rejected or returned; most first. */
export async function byCourier(ctx: Ctx, scope: Scope, q: StatsQueryReq) {
  const r = await rangeOf(ctx, scope, q);
  const rows = await repo.byCourier(ctx.db, r);
  const names = new Map(
    (await repo.courierNames(ctx.db, scope.orgId, [...new Set(rows.map((x) => Number(x.courier_id)).filter((id) => id > 0))])).map((c) => [
      Number(c.id),
      c.name,
    ]),
  );
  const items = rows.map((x) => {
    const id = Number(x.courier_id);
    return {
      courierId: id > 0 ? id : null,
      name: id > 0 ? (names.get(id) ?? '（已删除）') : '（前台入库）',
      carrier: x.carrier,
      received: Number(x.received),
      rejected: Number(x.rejected),
      returned: Number(x.returned),
    };
  });
  return { items: items.filter((i) => i.received + i.rejected + i.returned > 0).sort((a, b) => b.received - a.received || a.name.localeCompare(b.name)) };
}

/** 快递公司: the same by carrier. */
export async function byCarrier(ctx: Ctx, scope: Scope, q: StatsQueryReq) {
  const rows = await repo.byCarrier(ctx.db, await rangeOf(ctx, scope, q));
  const items = rows.map((x) => ({
    carrier: x.carrier,
    received: Number(x.received),
    pickedUp: Number(x.picked_up),
    rejected: Number(x.rejected),
    returned: Number(x.returned),
  }));
  return { items: items.filter((i) => i.received + i.pickedUp + i.rejected + i.returned > 0).sort((a, b) => b.received - a.received) };
}

/** 小区: moves and fee income per community, with what waits there now. */
export async function byCommunity(ctx: Ctx, scope: Scope, q: StatsQueryReq) {
  const r = await rangeOf(ctx, scope, q);
  const [rows, waiting, services] = await Promise.all([repo.byCommunity(ctx.db, r), repo.waitingByCommunity(ctx.db, r), serviceIncome(ctx, r)]);
  const serviceByCommunity = new Map<number, number>();
  for (const x of services) serviceByCommunity.set(Number(x.community_id), (serviceByCommunity.get(Number(x.community_id)) ?? 0) + Number(x.fen ?? 0));
  const ids = [...new Set([...rows.map((x) => Number(x.community_id)), ...waiting.map((w) => Number(w.community_id)), ...serviceByCommunity.keys()])];
  const names = new Map((await repo.communityNames(ctx.db, scope.orgId, ids)).map((c) => [Number(c.id), c.name]));
  const byId = new Map(rows.map((x) => [Number(x.community_id), x]));
  const waits = new Map(waiting.map((w) => [Number(w.community_id), Number(w.n)]));
  const items = ids.map((id) => {
    const x = byId.get(id);
    return {
      communityId: id,
      name: names.get(id) ?? String(id),
      received: Number(x?.received ?? 0),
      pickedUp: Number(x?.picked_up ?? 0),
      feeIncomeFen: Number(x?.fee_fen ?? 0),
      serviceIncomeFen: serviceByCommunity.get(id) ?? 0,
      waitingNow: waits.get(id) ?? 0,
    };
  });
  return { items: items.sort((a, b) => b.received - a.received || a.name.localeCompare(b.name)) };
}

/** The daily table as a sheet: 日期, 入库, 出库, 拒收, 退回, 保管费, 服务收入, 短信. */
export async function dailyExport(ctx: Ctx, scope: Scope, q: StatsQueryReq): Promise<SheetSpec> {
  const { items } = await daily(ctx, scope, q);
  await recordExport(ctx, 'stats', { ...q, from: items[0]?.day, to: items[items.length - 1]?.day });
  const columns = ['日期', '入库', '出库', '拒收', '退回', '保管费（元）', '服务收入（元）', '短信'].map((name) => ({ name, width: 12 }));
  return {
    fileTitle: '数据看板',
    sheetName: '每日数据',
    columns,
    rows: items.map((d) => [
      d.day,
      String(d.received),
      String(d.pickedUp),
      String(d.rejected),
      String(d.returned),
      (d.feeIncomeFen / 100).toFixed(2),
      (d.serviceIncomeFen / 100).toFixed(2),
      String(d.smsSent),
    ]),
  };
}
