// What an audit row holds, made from a service's description of its change: the actor of the
// request (or the one the change names), the change's fields with phones masked and secrets left
// out whatever the service passed, and the time. Written by the unit of work (context.ts) in the
// transaction of the write it records.
import { maskPhone } from '../../../shared/phone.js';
import type { AuditActor, AuditChange } from '../../actors.js';
import type { AuditLogTable } from '../../db/types.js';
import type { Insertable } from 'kysely';

/** Fields whose values never enter the trail: passwords, codes, keys, secrets, tokens. */
const SECRET = /password|secret|token|hash|pickup_?code|^code$|^key$|otp|signature/i;
/** Fields that hold phones (or lists of them): masked as 138****8000. */
const PHONE = /phone/i;

/** The actor of what the server does by itself (housekeeping, workers). */
export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null, name: 'system', orgId: null, ip: null };

/** A value as the trail keeps it: phones masked under a phone field, secrets out, nesting bounded. */
function clean(value: unknown, phone: boolean, depth: number): unknown {
  if (typeof value === 'string') return phone ? maskPhone(value) : value.length > 500 ? `${value.slice(0, 500)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '…';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, phone, depth + 1));
  return sanitize(value as Record<string, unknown>, depth + 1, phone);
}

/** The changes as stored: every secret field left out, every phone masked, at any depth. */
export function sanitize(changes: Record<string, unknown>, depth = 0, phone = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) {
    if (SECRET.test(k) || v === undefined) continue;
    out[k] = clean(v, phone || PHONE.test(k), depth);
  }
  return out;
}

/**
 * The fields that differ between `before` and `after`, as `{ field: [before, after] }` (an
 * update's changes); only the fields `after` names, so a patch compares what it set.
 */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(after)) {
    if (v === undefined) continue;
    const was = before[k];
    if (JSON.stringify(was) !== JSON.stringify(v)) out[k] = [was ?? null, v];
  }
  return out;
}

/** The rows of a unit's changes, by the request's actor unless a change names its own. */
export function auditRows(actor: AuditActor | undefined, changes: AuditChange[], at: string): Insertable<AuditLogTable>[] {
  const by = actor ?? SYSTEM_ACTOR;
  return changes.map((c) => {
    const who = c.actor ?? by;
    const fields = c.changes ? sanitize(c.changes) : null;
    return {
      org_id: c.orgId !== undefined ? c.orgId : who.orgId,
      at,
      actor_kind: who.kind,
      actor_id: who.id,
      actor_name: who.name,
      action: c.action,
      entity: c.entity,
      entity_id: c.entityId === undefined || c.entityId === null ? null : String(c.entityId),
      changes: fields && Object.keys(fields).length > 0 ? JSON.stringify(fields) : null,
      ip: c.actor?.ip !== undefined ? c.actor.ip : by.ip,
    };
  });
}
