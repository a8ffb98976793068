import { badRequest } from '../../errors.js';
import { errorResponses, IdParams, requireStaff, type App } from '../../http.js';
import { BatchReply, IdempotencyKey, ParcelView } from '../parcels/parcels.schema.js';
import { z } from 'zod';
import { CheckoutQuery, CheckoutReply, DeskIntakeBody, LookupQuery, LookupReply, MoveBody, PickupManyBody } from './station.schema.js';
import * as station from './station.service.js';

/** Station mode: scan → phone, 入库 at the desk, 移库, 出库 by code, label, QR or phone tail. */
export async function stationRoutes(app: App): Promise<void> {
  const tags = ['station'];
  const config = { access: 'staff' } as const;
  app.get('/api/parcels/lookup', {
    config,
    schema: { tags, summary: '扫描单号或手机后4位查收件人', querystring: LookupQuery, response: { 200: LookupReply, ...errorResponses } },
    handler: async (req) => station.lookupRecipient(req.ctx, requireStaff(req).scope, req.query),
  });
  app.post('/api/parcels/desk-intake', {
    config,
    schema: {
      tags,
      summary: '前台入库（扫码，直接待领取）',
      headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }),
      body: DeskIntakeBody,
      response: { 201: ParcelView, ...errorResponses },
    },
    handler: async (req, reply) => {
      const key = req.headers['idempotency-key'];
      if (key === undefined) throw badRequest('idempotency_key_required');
      return reply.code(201).send(await station.deskIntake(req.ctx, requireStaff(req), req.body, key));
    },
  });
  app.post('/api/parcels/:id/move', {
    config,
    schema: { tags, summary: '移库（换货架）', params: IdParams, body: MoveBody, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => station.moveParcel(req.ctx, requireStaff(req), req.params.id, req.body.shelfId),
  });
  app.get('/api/parcels/checkout', {
    config,
    schema: { tags, summary: '出库查询（领取码、货架号、二维码或手机后4位）', querystring: CheckoutQuery, response: { 200: CheckoutReply, ...errorResponses } },
    handler: async (req) => station.checkout(req.ctx, requireStaff(req).scope, req.query.communityId, req.query.key),
  });
  app.post('/api/parcels/pickup', {
    config,
    schema: { tags, summary: '出库（一次领取该住户的包裹）', body: PickupManyBody, response: { 200: BatchReply, ...errorResponses } },
    handler: async (req) => station.pickupMany(req.ctx, requireStaff(req), req.body),
  });
}
