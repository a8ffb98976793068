// WeChat binding: a courier or resident who opens their app inside WeChat, signed in, is sent
// through the official account's web authorization (snsapi_base, silent), and the openid WeChat
// gives back is bound to their phone; from then on messages to that phone also go by WeChat.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { inTransaction, type Ctx } from '../../context.js';
import { AppError, badRequest, unauthorized } from '../../errors.js';
import { errorResponses, type App } from '../../http.js';
import * as repo from './notifications.repo.js';
import { wechatOAuth } from './wechat-mp.js';

const STATE_COOKIE = 'wx_state';
const STATE_TTL_S = 600;
/** Where the flow may return: a page of the courier or resident app (never another site). */
const Next = z
  .string()
  .regex(/^\/(courier|resident)(\/[\w\-./?=&%]*)?$/, '只能返回快递员或住户页面')
  .default('/resident/');

/** Whether a phone is bound to a WeChat user. */
export async function isBoundToWechat(ctx: Ctx, phone: string): Promise<boolean> {
  return (await repo.openidOf(ctx.db, phone)) !== undefined;
}

/** The phone of the signed-in courier or resident, or 401. */
function phoneOf(req: FastifyRequest): string {
  const a = req.auth;
  if (a?.kind === 'courier') return a.account.phone;
  if (a?.kind === 'resident') return a.phone;
  throw unauthorized();
}

/** GET /api/wechat/authorize and its callback (only with WECHAT_PROVIDER=mp). */
export async function wechatBindingRoutes(app: App): Promise<void> {
  const { config } = app;
  const mp = config.wechat.provider === 'mp' ? config.wechat : null;
  const oauth = mp ? wechatOAuth(mp) : null;
  const tags = ['wechat'];
  const need = () => {
    if (!oauth) throw new AppError(404, 'wechat_unavailable');
    return oauth;
  };

  app.get('/api/wechat/authorize', {
    config: { access: 'phone' },
    schema: { tags, summary: '微信网页授权（绑定微信）', querystring: z.strictObject({ next: Next }), response: { 302: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      const o = need();
      phoneOf(req);
      const state = randomBytes(16).toString('hex');
      reply.setCookie(STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', path: '/api/wechat', maxAge: STATE_TTL_S, secure: req.protocol === 'https' });
      const callback = `${req.protocol}://${req.host}/api/wechat/callback?next=${encodeURIComponent(req.query.next)}`;
      return reply.redirect(o.authorizeUrl(callback, state));
    },
  });

  app.get('/api/wechat/callback', {
    config: { access: 'phone' },
    schema: {
      tags,
      summary: '微信网页授权回调',
      querystring: z.strictObject({ code: z.string().max(512).optional(), state: z.string().max(128), next: Next }),
      response: { 302: z.null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      const o = need();
      const phone = phoneOf(req);
      const expected = req.cookies[STATE_COOKIE];
      reply.clearCookie(STATE_COOKIE, { path: '/api/wechat' });
      if (!expected || expected !== req.query.state) throw badRequest('wechat_state_mismatch');
      // No code: the user declined; the app goes on without WeChat.
      // A failed exchange is logged and the app goes on too: SMS still reaches the user.
      if (req.query.code) {
        try {
          const openid = await o.openidForCode(req.query.code);
          await inTransaction(req.ctx, async (u) => {
            await repo.bindWechat(u.db, phone, openid, u.now().toISOString());
            u.audit({ action: 'wechat.bind', entity: 'wechat', changes: { phone } });
          });
          req.log.info({ phoneTail: phone.slice(-4) }, 'WeChat bound');
        } catch (err) {
          req.log.warn({ reason: err instanceof Error ? err.message : String(err) }, 'WeChat binding failed');
        }
      }
      return reply.redirect(req.query.next);
    },
  });
}
