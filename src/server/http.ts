import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../shared/schemas.js';
import { forbidden, unauthorized } from './errors.js';
import type { Ctx } from './context.js';

/** The Fastify instance with zod schemas as its type provider. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export type { ApiKeyAuth, Auth, CourierAuth, ResidentAuth, Scope, StaffAuth } from './actors.js';
import type { ApiKeyAuth, Auth, CourierAuth, ResidentAuth, StaffAuth } from './actors.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
    /** The app's context with this request's caller as the actor of what it writes (the audit trail). */
    ctx: Ctx;
  }
}

/** The signed-in staff member, or 401. */
export function requireStaff(req: FastifyRequest): StaffAuth {
  if (req.auth?.kind !== 'staff') throw unauthorized();
  return req.auth;
}

/** The signed-in admin, or 401 / 403. */
export function requireAdmin(req: FastifyRequest): StaffAuth {
  const auth = requireStaff(req);
  if (auth.staff.role !== 'admin') throw forbidden();
  return auth;
}

/** The signed-in courier, or 401. */
export function requireCourier(req: FastifyRequest): CourierAuth {
  if (req.auth?.kind !== 'courier') throw unauthorized();
  return req.auth;
}

/** The signed-in resident, or 401. */
export function requireResident(req: FastifyRequest): ResidentAuth {
  if (req.auth?.kind !== 'resident') throw unauthorized();
  return req.auth;
}

/** The signed-in resident as a payer: their phone, whether they are in WeChat's browser (JSAPI there, H5 elsewhere), their address. */
export function requirePayer(req: FastifyRequest): { phone: string; inWechat: boolean; ip: string } {
  return { phone: requireResident(req).phone, inWechat: /MicroMessenger/i.test(req.headers['user-agent'] ?? ''), ip: req.ip };
}

/** The open API's caller (its key), or 401. */
export function requireApiKey(req: FastifyRequest): ApiKeyAuth {
  if (req.auth?.kind !== 'api_key') throw unauthorized();
  return req.auth;
}

/** Common schema pieces for routes. */
export const IdParams = z.strictObject({ id: Id });
export const ErrorBody = z.looseObject({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
  feeFen: z.number().optional().describe('fee_changed: the fee as of now'),
  totalFeeFen: z.number().optional().describe('fee_changed of POST /api/parcels/pickup: the summed fee as of now'),
  retryAfterSeconds: z.number().optional().describe('too_many_requests, overloaded: when to try again'),
});
/** The error answers a route may give, for the OpenAPI document. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  415: ErrorBody,
  429: ErrorBody,
  502: ErrorBody,
  503: ErrorBody,
} as const;
