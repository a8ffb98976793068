import { z } from 'zod';
import { errorResponses, IdParams, requireAdmin, type App } from '../../http.js';
import { AttemptList, DeliveryList, DeliveryParams, DeliveryQuery, WebhookCreateBody, WebhookCreated, WebhookList } from './webhooks.schema.js';
import * as webhooks from './webhooks.service.js';

/** 开放接口 → 回调: the admin's webhook subscriptions and their delivery log. */
export async function webhookRoutes(app: App): Promise<void> {
  const tags = ['webhooks'];
  const config = { access: 'admin' } as const;
  app.post('/api/webhooks', {
    config,
    schema: { tags, summary: '订阅回调（签名密钥只显示这一次）', body: WebhookCreateBody, response: { 201: WebhookCreated, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await webhooks.createWebhook(req.ctx, requireAdmin(req), req.body, app.webhooks.guard)),
  });
  app.get('/api/webhooks', {
    config,
    schema: { tags, summary: '回调列表', response: { 200: WebhookList, ...errorResponses } },
    handler: async (req) => webhooks.listWebhooks(req.ctx, requireAdmin(req)),
  });
  app.delete('/api/webhooks/:id', {
    config,
    schema: { tags, summary: '删除回调', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await webhooks.deleteWebhook(req.ctx, requireAdmin(req), req.params.id);
      return reply.code(204).send(null);
    },
  });
  app.get('/api/webhooks/:id/deliveries', {
    config,
    schema: { tags, summary: '回调投递记录', params: IdParams, querystring: DeliveryQuery, response: { 200: DeliveryList, ...errorResponses } },
    handler: async (req) => webhooks.listDeliveries(req.ctx, requireAdmin(req), req.params.id, req.query),
  });
  app.get('/api/webhooks/:id/deliveries/:deliveryId/attempts', {
    config,
    schema: { tags, summary: '一次投递的每次尝试', params: DeliveryParams, response: { 200: AttemptList, ...errorResponses } },
    handler: async (req) => webhooks.listAttempts(req.ctx, requireAdmin(req), req.params.id, req.params.deliveryId),
  });
  app.post('/api/webhooks/:id/deliveries/:deliveryId/resend', {
    config,
    schema: { tags, summary: '重发', params: DeliveryParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await webhooks.resend(req.ctx, requireAdmin(req), req.params.id, req.params.deliveryId);
      return reply.code(204).send(null);
    },
  });
}
