import { AUDIT_ACTOR_LABELS, AUDIT_ENTITY_LABELS, type AuditActorKind } from '../../../shared/audit.js';
import { boundInstant, formatShanghai } from '../../../shared/time.js';
import type { StaffAuth } from '../../actors.js';
import { recordAudit, type Ctx } from '../../context.js';
import { pageWindow } from '../../db/paging.js';
import type { AuditLogTable } from '../../db/types.js';
import { badRequest } from '../../errors.js';
import { maskDigits } from '../../logging.js';
import type { SheetSpec } from '../spreadsheets/write-table.js';
import type { Selectable } from 'kysely';
import * as repo from './audit.repo.js';
import type { AuditEntryViewT, AuditFilterReq } from './audit.schema.js';

/** The list counts its matches up to this many; past it the total shows the cap. */
export const AUDIT_COUNT_CAP = 10_000;
/** An export holds at most this many rows; past it the admin narrows the filter. */
export const MAX_AUDIT_EXPORT = 100_000;
const PAGE = 1000;

function rowFilter(f: AuditFilterReq): repo.AuditRowFilter {
  return { ...f, from: boundInstant(f.from, false), to: boundInstant(f.to, true) };
}

function present(r: Selectable<AuditLogTable>): AuditEntryViewT {
  return {
    id: r.id,
    at: r.at,
    actor: { kind: r.actor_kind as AuditActorKind, id: r.actor_id, name: r.actor_name },
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    changes: r.changes ? (JSON.parse(r.changes) as Record<string, unknown>) : null,
    ip: r.ip,
  };
}

/** 操作日志: the admin's org's trail, newest first, with its filters. */
export async function listAudit(ctx: Ctx, auth: StaffAuth, query: AuditFilterReq & { page: number; pageSize: number }) {
  const { page, pageSize, ...filter } = query;
  const { offset, limit } = pageWindow(page, pageSize);
  const r = await repo.listAudit(ctx.db, auth.staff.orgId, rowFilter(filter), offset, limit, AUDIT_COUNT_CAP);
  const capped = r.total > AUDIT_COUNT_CAP;
  return { items: r.items.map(present), total: Math.min(r.total, AUDIT_COUNT_CAP), ...(capped ? { totalCapped: true as const } : {}) };
}

/** One changed field as the sheet shows it: `field: before → after`, or `field: value`. */
function changeText(changes: Record<string, unknown> | null): string {
  if (!changes) return '';
  return Object.entries(changes)
    .map(([k, v]) => (Array.isArray(v) && v.length === 2 ? `${k}: ${JSON.stringify(v[0])} → ${JSON.stringify(v[1])}` : `${k}: ${JSON.stringify(v)}`))
    .join('; ');
}

const COLUMNS: [string, number][] = [
  ['时间', 17],
  ['操作人类型', 10],
  ['操作人', 14],
  ['操作', 22],
  ['对象', 10],
  ['对象编号', 10],
  ['变更内容', 60],
  ['IP', 16],
];

/** 操作日志 export: the filter's rows (at most MAX_AUDIT_EXPORT), itself recorded in the trail. */
export async function auditExport(ctx: Ctx, auth: StaffAuth, query: AuditFilterReq): Promise<SheetSpec> {
  const orgId = auth.staff.orgId;
  const filter = rowFilter(query);
  const { total } = await repo.listAudit(ctx.db, orgId, filter, 0, 0, MAX_AUDIT_EXPORT);
  if (total > MAX_AUDIT_EXPORT) throw badRequest('too_many_rows', `导出数据过多（超过${MAX_AUDIT_EXPORT}条），请缩小筛选范围`);
  await recordExport(ctx, 'audit', query);
  async function* rows(): AsyncIterable<string[]> {
    for (let before: number | undefined; ;) {
      const page = await repo.auditPage(ctx.db, orgId, { ...filter, beforeId: before }, PAGE);
      for (const r of page) {
        const e = present(r);
        yield [
          formatShanghai(e.at),
          AUDIT_ACTOR_LABELS[e.actor.kind] ?? e.actor.kind,
          e.actor.name,
          e.action,
          AUDIT_ENTITY_LABELS[e.entity] ?? e.entity,
          e.entityId ?? '',
          changeText(e.changes),
          e.ip ?? '',
        ];
      }
      if (page.length < PAGE) return;
      before = page[page.length - 1]?.id;
    }
  }
  return { fileTitle: '操作日志', sheetName: '操作日志', columns: COLUMNS.map(([name, width]) => ({ name, width, text: true })), rows: rows() };
}

/** Records an export (of parcels, couriers, residents, the trail) with its filter, before a row is sent. */
export function recordExport(ctx: Ctx, what: string, filter: Record<string, unknown>): Promise<void> {
  // A search text may be a phone or a pickup code: its digit runs are masked like the logs'.
  const changes = typeof filter.q === 'string' ? { ...filter, q: maskDigits(filter.q) } : filter;
  return recordAudit(ctx, { action: `export.${what}`, entity: 'export', entityId: what, changes });
}
