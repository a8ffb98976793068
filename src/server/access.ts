import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Auth, AuditActor } from './actors.js';
import { maskPhone } from '../shared/phone.js';
import { forbidden, notFound, unauthorized } from './errors.js';
import type { App } from './http.js';

/**
 * Who may call a route, declared on every API route (`config: { access }`) and checked before
 * its body is read or validated, so that an anonymous caller learns nothing from a 400 and costs
 * no body parsing:
 * - `public`: anyone (sign-in, the development inbox);
 * - `signed_in`: any session (`/api/me`);
 * - `phone`: a courier or a resident (WeChat binding);
 * - `staff`, `admin`, `courier`, `resident`: that kind of session;
 * - `operator`: `Authorization: Bearer $OPERATOR_TOKEN` (404 when no token is configured);
 * - `api_key`: `Authorization: Bearer <API key>` holding the route's `scope` (403 `insufficient_scope` otherwise).
 */
export type Access = 'public' | 'signed_in' | 'phone' | 'staff' | 'admin' | 'courier' | 'resident' | 'operator' | 'api_key';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Open to a staff member whose password must be changed first (change it, sign out, see who is signed in). */
    beforePasswordChange?: boolean;
    /** For `api_key` routes: the scope the key must hold. */
    scope?: string;
  }
}

const SECURITY: Record<Access, Record<string, string[]>[] | undefined> = {
  public: undefined,
  signed_in: [{ session: [] }],
  phone: [{ session: [] }],
  staff: [{ session: [] }],
  admin: [{ session: [] }],
  courier: [{ session: [] }],
  resident: [{ session: [] }],
  operator: [{ operator: [] }],
  api_key: [{ apiKey: [] }],
};

/** Whether the request's bearer token is `token`, in constant time. */
export function bearerIs(req: FastifyRequest, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Refuses (401, 403, 404) a request that the route's access does not let through. */
function check(access: Access, auth: Auth | null, req: FastifyRequest, operatorToken: string | undefined): void {
  switch (access) {
    case 'public':
      return;
    case 'operator':
      // Without a configured token the operator API does not exist.
      if (!operatorToken) throw notFound();
      if (!bearerIs(req, operatorToken)) throw unauthorized();
      return;
    case 'api_key': {
      if (auth?.kind !== 'api_key') throw unauthorized();
      const scope = req.routeOptions.config.scope;
      if (!scope || !auth.key.scopes.includes(scope)) throw forbidden('insufficient_scope');
      return;
    }
    case 'signed_in':
      if (auth?.kind === 'api_key') throw unauthorized();
      if (!auth) throw unauthorized();
      return;
    case 'phone':
      if (auth?.kind !== 'courier' && auth?.kind !== 'resident') throw unauthorized();
      return;
    case 'courier':
    case 'resident':
      if (auth?.kind !== access) throw unauthorized();
      return;
    case 'staff':
    case 'admin':
      if (auth?.kind !== 'staff') throw unauthorized();
      if (auth.mustChangePassword && !req.routeOptions.config.beforePasswordChange) throw forbidden('password_change_required');
      if (access === 'admin' && auth.staff.role !== 'admin') throw forbidden();
  }
}

/**
 * Makes every API route declare its access (the app does not start otherwise), documents it in
 * the OpenAPI document, and checks it in an onRequest hook of the route: route hooks run after
 * the app's own (the session) and after the rate limit's, which is also one of the route's.
 */
export function enforceAccess(app: App, operatorToken: string | undefined): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`${route.method} ${route.url} declares no access (config.access)`);
    const security = SECURITY[access];
    if (security && route.schema && !route.schema.security) route.schema = { ...route.schema, security };
    const guard = async (req: FastifyRequest) => check(access, req.auth, req, operatorToken);
    const own = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...own, guard];
  });
}

/** The audit trail's actor of a request: its session's or key's holder, the operator by the route, else anonymous. */
export function auditActorOf(req: FastifyRequest): AuditActor {
  const ip = req.ip;
  const a = req.auth;
  if (a?.kind === 'staff') return { kind: 'staff', id: a.staff.id, name: a.staff.username, orgId: a.staff.orgId, ip };
  if (a?.kind === 'courier') return { kind: 'courier', id: a.account.id, name: a.account.name, orgId: null, ip };
  if (a?.kind === 'resident') return { kind: 'resident', id: null, name: maskPhone(a.phone), orgId: null, ip };
  if (a?.kind === 'api_key') return { kind: 'api_key', id: a.key.id, name: a.key.name, orgId: a.key.orgId, ip };
  if (req.routeOptions.config?.access === 'operator') return { kind: 'operator', id: null, name: 'operator', orgId: null, ip };
  return { kind: 'anonymous', id: null, name: '', orgId: null, ip };
}
