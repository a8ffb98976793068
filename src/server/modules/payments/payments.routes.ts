import { z } from 'zod';
import { AppError } from '../../errors.js';
import { errorResponses, IdParams, requirePayer, requireResident, type App } from '../../http.js';
import { PaymentView } from './payments.schema.js';
import * as payments from './payments.service.js';
import { payCustodyFee } from './custody-fee.js';

/** 支付: the resident pays the custody fee; WeChat Pay's notices come in here. */
export async function paymentRoutes(app: App): Promise<void> {
  app.post('/api/resident/parcels/:id/pay-fee', {
    config: { access: 'resident' },
    schema: {
      tags: ['resident app'],
      summary: '支付保管费（按当前金额下单）',
      params: IdParams,
      response: { 201: PaymentView, ...errorResponses },
    },
    handler: async (req, reply) => reply.code(201).send(await payCustodyFee(req.ctx, requirePayer(req), req.params.id)),
  });
  app.get('/api/resident/payments/:id', {
    config: { access: 'resident' },
    schema: {
      tags: ['resident app'],
      summary: '一笔支付的状态（未到账时向微信支付查询）',
      params: IdParams,
      response: { 200: PaymentView, ...errorResponses },
    },
    handler: async (req) => payments.residentPayment(req.ctx, requireResident(req).phone, req.params.id),
  });

  // WeChat Pay's notice: its signature covers the body's exact bytes, so this route reads them as text.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
    scope.post('/api/payments/wechat/notify', {
      config: { access: 'public' },
      schema: {
        tags: ['payments'],
        summary: '微信支付通知（验签、解密后处理；重复的通知不重复入账）',
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (req, reply) => {
        const body = typeof req.body === 'string' ? req.body : '';
        if (!(await payments.receiveNotice(req.ctx, req.headers, body))) throw new AppError(401, 'unauthorized', '通知签名无效');
        return reply.code(204).send(null);
      },
    });
  });
}

/** 开发环境: the console provider's stand-in for WeChat's notice. Never in production. */
export async function devPaymentRoutes(app: App): Promise<void> {
  app.post('/api/dev/payments/:id/succeed', {
    config: { access: 'public' },
    schema: {
      tags: ['dev'],
      summary: '模拟支付成功（仅开发环境，控制台支付）',
      params: IdParams,
      response: { 200: PaymentView, ...errorResponses },
    },
    handler: async (req) => payments.consoleSucceed(req.ctx, req.params.id),
  });
}
