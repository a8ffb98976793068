import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { errorResponses, requireCourier, type App } from '../../http.js';
import { CourierCommunity } from '../auth/auth.schema.js';
import { courierCommunities } from '../couriers/couriers.service.js';
import { courierParcels, enterParcel, preAdviceForCourier, preferenceForCourier, recipientFor } from './parcels.intake.js';
import { CourierPreferenceQuery, EffectivePreference } from '../preferences/preferences.schema.js';
import { PreAdviceFound, PreAdviceQuery } from '../integrations/integrations.schema.js';
import { CourierEntryBody, IdempotencyKey, OwnParcelsQuery, ParcelPage, ParcelView, RecipientQuery, RecipientReply } from './parcels.schema.js';

/** The courier app: communities, 派送快递 and 派送记录. */
export async function courierAppRoutes(app: App): Promise<void> {
  const tags = ['courier app'];
  app.get('/api/courier/communities', {
    config: { access: 'courier' },
    schema: { tags, summary: '我派送的小区', response: { 200: z.object({ items: z.array(CourierCommunity) }), ...errorResponses } },
    handler: async (req) => ({ items: await courierCommunities(req.ctx, requireCourier(req).account.phone) }),
  });
  app.post('/api/courier/parcels', {
    config: { access: 'courier' },
    schema: {
      tags,
      summary: '派送快递（录入包裹）',
      headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }),
      body: CourierEntryBody,
      response: { 201: ParcelView, ...errorResponses },
    },
    handler: async (req, reply) => {
      const auth = requireCourier(req);
      // A malformed key is refused by the schema (400 with issues); a missing one here.
      const key = req.headers['idempotency-key'];
      if (key === undefined) throw badRequest('idempotency_key_required');
      return reply.code(201).send(await enterParcel(req.ctx, auth, req.body, key));
    },
  });
  app.get('/api/courier/recipient', {
    config: { access: 'courier' },
    schema: { tags, summary: '收件人（按手机号查本小区住户）', querystring: RecipientQuery, response: { 200: RecipientReply, ...errorResponses } },
    handler: async (req) => recipientFor(req.ctx, requireCourier(req), req.query.communityId, req.query.phone),
  });
  app.get('/api/courier/preference', {
    config: { access: 'courier' },
    schema: {
      tags,
      summary: '收件人的收件偏好（代收、送货上门或其他；未表示时404）',
      querystring: CourierPreferenceQuery,
      response: { 200: EffectivePreference, ...errorResponses },
    },
    handler: async (req) => preferenceForCourier(req.ctx, requireCourier(req), req.query.communityId, req.query.phone),
  });
  app.get('/api/courier/pre-advice', {
    config: { access: 'courier' },
    schema: { tags, summary: '扫描单号：快递公司预报的收件人', querystring: PreAdviceQuery, response: { 200: PreAdviceFound, ...errorResponses } },
    handler: async (req) => preAdviceForCourier(req.ctx, requireCourier(req), req.query.communityId, req.query.trackingNo),
  });
  app.get('/api/courier/parcels', {
    config: { access: 'courier' },
    schema: { tags, summary: '派送记录', querystring: OwnParcelsQuery, response: { 200: ParcelPage, ...errorResponses } },
    handler: async (req) => courierParcels(req.ctx, requireCourier(req), req.query.status, req.query.page, req.query.pageSize),
  });
}
