import type { Insertable } from 'kysely';
import { auditLinesInsert } from '../../db/dialect.js';
import type { Executor } from '../../db/index.js';
import type { AuditLogTable } from '../../db/types.js';

/** Appends the rows of a unit (one statement); nothing for none. */
export async function appendAudit(db: Executor, rows: Insertable<AuditLogTable>[]): Promise<void> {
  await auditLinesInsert(db, rows)?.execute();
}

/** The trail's filter, bounds as instants. */
export interface AuditRowFilter {
  actorKind?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
  beforeId?: number;
}

function filtered(db: Executor, orgId: number, f: AuditRowFilter) {
  return db
    .selectFrom('audit_log')
    .where('org_id', '=', orgId)
    .$if(f.actorKind !== undefined, (q) => q.where('actor_kind', '=', f.actorKind ?? ''))
    .$if(f.action !== undefined, (q) =>
      f.action?.endsWith('.') ? q.where('action', '>=', f.action).where('action', '<', `${f.action.slice(0, -1)}/`) : q.where('action', '=', f.action ?? ''),
    )
    .$if(f.entity !== undefined, (q) => q.where('entity', '=', f.entity ?? ''))
    .$if(f.entityId !== undefined, (q) => q.where('entity_id', '=', f.entityId ?? ''))
    .$if(f.from !== undefined, (q) => q.where('at', '>=', f.from ?? ''))
    .$if(f.to !== undefined, (q) => q.where('at', '<', f.to ?? ''))
    .$if(f.beforeId !== undefined, (q) => q.where('id', '<', f.beforeId ?? 0));
}

/** A page of an org's trail, newest first, and how many rows match (counted up to `countCap`). */
export async function listAudit(db: Executor, orgId: number, f: AuditRowFilter, offset: number, limit: number, countCap: number) {
  const items = await filtered(db, orgId, f).selectAll().orderBy('id', 'desc').offset(offset).limit(limit).execute();
  const r = await db
    .selectFrom(
      filtered(db, orgId, f)
        .select('id')
        .limit(countCap + 1)
        .as('hits'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { items, total: Number(r.n) };
}

/** The next `limit` rows below `beforeId` (an export's pages). */
export function auditPage(db: Executor, orgId: number, f: AuditRowFilter, limit: number) {
  return filtered(db, orgId, f).selectAll().orderBy('id', 'desc').limit(limit).execute();
}
