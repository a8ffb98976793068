// The trail's filters as the address holds them (`?entity=courier&from=2026-01-08`), so that a
// reload, a link or the back button shows the same list; the API's query is made from them.
import type { Dayjs } from 'dayjs';
import { AUDIT_ACTOR_KINDS } from '../../../../shared/audit.js';

/** The address's filter parameters, named as the API names them. */
export const FILTER_PARAMS = ['actorKind', 'entity', 'action', 'entityId', 'from', 'to'] as const;
export type FilterParam = (typeof FILTER_PARAMS)[number];

/** An action or entity as the API takes it: `parcel.receive`, or `parcel.` for all of an entity's. */
export const NAME = /^[a-z0-9_.]{1,60}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What each parameter must look like; anything else in the address is left out (no 400 for an old link). */
const VALID: Record<FilterParam, (v: string) => boolean> = {
  actorKind: (v) => (AUDIT_ACTOR_KINDS as readonly string[]).includes(v),
  entity: (v) => NAME.test(v),
  action: (v) => NAME.test(v),
  entityId: (v) => v.length <= 60,
  from: (v) => DAY.test(v),
  to: (v) => DAY.test(v),
};

/** The address's filters (as useListParams reads them) as the API's query: the valid ones only. */
export function auditQuery(filters: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(
    FILTER_PARAMS.map((p) => {
      const v = (filters[p] ?? '').trim();
      return [p, v !== '' && VALID[p](v) ? v : undefined];
    }),
  );
}

/** The filter row's fields. */
export interface FilterForm {
  actorKind?: string;
  entity?: string;
  action?: string;
  entityId?: string;
  days?: [Dayjs | null, Dayjs | null] | null;
}

/** The form's values as the address's parameters (undefined clears one). */
export function formToParams(v: FilterForm): Record<FilterParam, string | undefined> {
  return {
    actorKind: v.actorKind ?? undefined,
    entity: v.entity ?? undefined,
    action: v.action?.trim() || undefined,
    entityId: v.entityId?.trim() || undefined,
    from: v.days?.[0]?.format('YYYY-MM-DD'),
    to: v.days?.[1]?.format('YYYY-MM-DD'),
  };
}
