import type { StaffRole } from './db/types.js';

/** Which communities a staff member may see: null for all of the org (admins). */
export interface Scope {
  orgId: number;
  communityIds: number[] | null;
}

export interface StaffAuth {
  kind: 'staff';
  sessionId: string;
  staff: { id: number; orgId: number; username: string; role: StaffRole };
  scope: Scope;
  /** A password someone else chose (demo data in production): every staff route but a few answers 403 until it is changed. */
  mustChangePassword: boolean;
}
export interface CourierAuth {
  kind: 'courier';
  sessionId: string;
  account: { id: number; phone: string; name: string };
}
export interface ResidentAuth {
  kind: 'resident';
  sessionId: string;
  phone: string;
}
/** A caller of the open API, by its key (`Authorization: Bearer kd_…`). */
export interface ApiKeyAuth {
  kind: 'api_key';
  /** What the per-session limits key on: the key's id. */
  sessionId: string;
  key: { id: number; orgId: number; name: string; scopes: string[] };
}
export type Auth = StaffAuth | CourierAuth | ResidentAuth | ApiKeyAuth;

/** The community ids a query is limited to: null for all of the org, `[-1]` (nothing) for a clerk without any. */
export function scopeIds(scope: Scope): number[] | null {
  return scope.communityIds === null ? null : scope.communityIds.length > 0 ? scope.communityIds : [-1];
}

/** Who an audit row names: a kind of caller, its id and name as of the act, its org, its address. */
export interface AuditActor {
  kind: 'staff' | 'courier' | 'resident' | 'api_key' | 'operator' | 'anonymous' | 'system';
  id: number | null;
  /** The username, the courier's or key's name, a resident's masked phone. */
  name: string;
  /** The org an act belongs to unless the change names one (a courier or a resident has none). */
  orgId: number | null;
  ip: string | null;
}

/** What one write changed, as its service describes it for the audit trail. */
export interface AuditChange {
  /** `parcel.receive`, `courier.update`, `auth.sign_in_failed`…: entity, then what was done. */
  action: string;
  entity: string;
  entityId?: number | string | null;
  /** The org the record belongs to; the actor's when absent. */
  orgId?: number | null;
  /** What changed: `{ field: [before, after] }` for an update, the fields for a creation (see audit/diff.ts). */
  changes?: Record<string, unknown> | null;
  /** Stands in for the unit's actor: a sign-in's (the one who signed in), an entry's written with others' (its own request's, with its address). */
  actor?: Omit<AuditActor, 'ip'> & { ip?: string | null };
}
