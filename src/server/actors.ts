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
