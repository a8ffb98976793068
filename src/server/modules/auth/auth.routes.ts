import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { unauthorized } from '../../errors.js';
import { errorResponses, requireStaff, type App } from '../../http.js';
import { courierCommunities } from '../couriers/couriers.service.js';
import { isBoundToWechat } from '../notifications/wechat-binding.js';
import { getOrg } from '../orgs/orgs.service.js';
import * as auth from './auth.service.js';
import { endSession } from './auth.sessions.js';
import {
  CourierLoginBody,
  CourierLoginReply,
  MeReply,
  OtpBody,
  PasswordChangeBody,
  ResidentLoginBody,
  ResidentLoginReply,
  StaffLoginBody,
  StaffPublic,
} from './auth.schema.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

/** Sign-in and sign-out for staff (password) and couriers and residents (SMS code). */
export async function authRoutes(app: App): Promise<void> {
  const { config } = app;

  const publicRoute = { access: 'public' } as const;

  /** A sign-in replaces any session the browser had: the old one ends on the server. */
  async function replaceSession(req: FastifyRequest) {
    if (req.auth) await endSession(req.ctx, req.auth.sessionId);
  }

  app.post('/api/auth/staff/login', {
    config: publicRoute,
    schema: { tags: ['auth'], summary: '物业人员登录', body: StaffLoginBody, response: { 200: z.object({ staff: StaffPublic }), ...errorResponses } },
    handler: async (req, reply) => {
      const r = await auth.loginStaff(req.ctx, { ...req.body, ip: req.ip });
      await replaceSession(req);
      setSessionCookie(req, reply, config.cookieSecure, 'staff', r.session);
      return { staff: r.staff };
    },
  });

  app.post('/api/auth/password', {
    config: { access: 'staff', beforePasswordChange: true },
    schema: { tags: ['auth'], summary: '修改自己的密码', body: PasswordChangeBody, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await auth.changeOwnPassword(req.ctx, requireStaff(req), { ...req.body, ip: req.ip });
      return reply.code(204).send(null);
    },
  });

  app.post('/api/auth/logout', {
    config: publicRoute,
    schema: { tags: ['auth'], summary: '退出登录', response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      if (req.auth) await endSession(req.ctx, req.auth.sessionId);
      clearSessionCookie(req, reply, config.cookieSecure);
      return reply.code(204).send(null);
    },
  });

  app.get('/api/me', {
    config: { access: 'signed_in' },
    schema: { tags: ['auth'], summary: '当前登录用户', response: { 200: MeReply, ...errorResponses } },
    handler: async (req) => {
      const a = req.auth;
      if (!a || a.kind === 'api_key') throw unauthorized();
      if (a.kind === 'staff') {
        const org = await getOrg(req.ctx, a.staff.orgId);
        return { kind: 'staff' as const, staff: { ...a.staff, mustChangePassword: a.mustChangePassword }, org, communityIds: a.scope.communityIds };
      }
      const phone = a.kind === 'courier' ? a.account.phone : a.phone;
      const wechat = { enabled: config.wechat.provider === 'mp', bound: await isBoundToWechat(req.ctx, phone) };
      if (a.kind === 'courier') {
        return {
          kind: 'courier' as const,
          courier: { phone: a.account.phone, name: a.account.name },
          communities: await courierCommunities(req.ctx, a.account.phone),
          wechat,
        };
      }
      return { kind: 'resident' as const, resident: { phone: a.phone }, wechat };
    },
  });

  app.post('/api/auth/otp', {
    config: publicRoute,
    schema: { tags: ['auth'], summary: '发送短信验证码', body: OtpBody, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await auth.requestOtp(req.ctx, { ...req.body, ip: req.ip }, config.otpLimits);
      return reply.code(204).send(null);
    },
  });

  app.post('/api/auth/courier/login', {
    config: publicRoute,
    schema: { tags: ['auth'], summary: '快递员登录/注册', body: CourierLoginBody, response: { 200: CourierLoginReply, ...errorResponses } },
    handler: async (req, reply) => {
      const r = await auth.loginCourier(req.ctx, { ...req.body, ip: req.ip });
      await replaceSession(req);
      setSessionCookie(req, reply, config.cookieSecure, 'courier', r.session);
      return { courier: r.courier, communities: r.communities };
    },
  });

  app.post('/api/auth/resident/login', {
    config: publicRoute,
    schema: { tags: ['auth'], summary: '住户登录', body: ResidentLoginBody, response: { 200: ResidentLoginReply, ...errorResponses } },
    handler: async (req, reply) => {
      const r = await auth.loginResident(req.ctx, { ...req.body, ip: req.ip });
      await replaceSession(req);
      setSessionCookie(req, reply, config.cookieSecure, 'resident', r.session);
      return { resident: r.resident };
    },
  });
}
