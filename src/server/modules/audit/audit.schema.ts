import { z } from 'zod';
import { AUDIT_ACTOR_KINDS } from '../../../shared/audit.js';
import { DayOrInstant, Pagination } from '../../../shared/schemas.js';
import { FormatQuery } from '../spreadsheets/sheet-http.js';

/** A name of the trail: `parcel`, `parcel.receive`; letters, digits, `_` and `.`. */
const Name = z
  .string()
  .trim()
  .regex(/^[a-z0-9_.]{1,60}$/, '只能包含小写字母、数字、下划线和点');

export const AuditFilter = z.strictObject({
  actorKind: z.enum(AUDIT_ACTOR_KINDS).optional(),
  /** An action (`parcel.receive`), or all of an entity's with a trailing dot (`parcel.`). */
  action: Name.optional(),
  entity: Name.optional(),
  entityId: z.string().trim().min(1).max(60).optional(),
  from: DayOrInstant.optional(),
  to: DayOrInstant.optional(),
});
export type AuditFilterReq = z.infer<typeof AuditFilter>;
export const AuditListQuery = AuditFilter.extend(Pagination);
export const AuditExportQuery = AuditFilter.extend(FormatQuery);

export const AuditEntryView = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.object({ kind: z.enum(AUDIT_ACTOR_KINDS), id: z.number().nullable(), name: z.string() }),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  /** What changed: `{ field: [before, after] }` for an update, the fields set for a creation; phones masked, no secrets. */
  changes: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});
export type AuditEntryViewT = z.infer<typeof AuditEntryView>;
export const AuditPage = z.object({
  items: z.array(AuditEntryView),
  total: z.number(),
  /** More rows match than were counted (AUDIT_COUNT_CAP): `total` is the cap, the list goes on. */
  totalCapped: z.literal(true).optional(),
});
