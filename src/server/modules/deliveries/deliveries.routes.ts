import { errorResponses, IdParams, requirePayer, requireResident, requireStaff, type App } from '../../http.js';
import { PaymentView } from '../payments/payments.schema.js';
import { PROOF_MAX_BYTES } from '../proofs/proofs.service.js';
import { uploadedFile } from '../spreadsheets/import-table.js';
import { DeliveryCreateBody, DeliveryList, DeliveryQuery, DeliveryView, DispatchBody } from './deliveries.schema.js';
import * as deliveries from './deliveries.service.js';

/** 送货上门: the resident asks and pays; the desk dispatches; the runner marks delivered. */
export async function deliveryRoutes(app: App): Promise<void> {
  const resident = { access: 'resident' } as const;
  const staff = { access: 'staff' } as const;
  app.post('/api/resident/deliveries', {
    config: resident,
    schema: { tags: ['resident app'], summary: '申请送货上门（并下单支付）', body: DeliveryCreateBody, response: { 201: DeliveryView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await deliveries.requestDelivery(req.ctx, requirePayer(req), req.body)),
  });
  app.get('/api/resident/deliveries', {
    config: resident,
    schema: { tags: ['resident app'], summary: '我的送货上门', response: { 200: DeliveryList, ...errorResponses } },
    handler: async (req) => deliveries.residentDeliveries(req.ctx, requireResident(req).phone),
  });
  app.post('/api/resident/deliveries/:id/pay', {
    config: resident,
    schema: { tags: ['resident app'], summary: '送货上门：去支付', params: IdParams, response: { 201: PaymentView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await deliveries.payDelivery(req.ctx, requirePayer(req), req.params.id)),
  });
  app.post('/api/resident/deliveries/:id/cancel', {
    config: resident,
    schema: {
      tags: ['resident app'],
      summary: '取消送货上门（派送前；已支付的原路退款）',
      params: IdParams,
      response: { 200: DeliveryView, ...errorResponses },
    },
    handler: async (req) => deliveries.cancelDelivery(req.ctx, requireResident(req).phone, req.params.id),
  });

  app.get('/api/deliveries', {
    config: staff,
    schema: { tags: ['deliveries'], summary: '送货上门列表', querystring: DeliveryQuery, response: { 200: DeliveryList, ...errorResponses } },
    handler: async (req) => deliveries.listDeliveries(req.ctx, requireStaff(req), req.query),
  });
  app.post('/api/parcels/:id/door-delivery', {
    config: staff,
    schema: {
      tags: ['deliveries'],
      summary: '转送货上门：收件人要求送货上门的待领取包裹（免费，待派送）',
      params: IdParams,
      response: { 201: DeliveryView, ...errorResponses },
    },
    handler: async (req, reply) => reply.code(201).send(await deliveries.deskDoorDelivery(req.ctx, requireStaff(req), req.params.id)),
  });
  app.post('/api/deliveries/:id/dispatch', {
    config: staff,
    schema: { tags: ['deliveries'], summary: '派送：指派送货人', params: IdParams, body: DispatchBody, response: { 200: DeliveryView, ...errorResponses } },
    handler: async (req) => deliveries.dispatchDelivery(req.ctx, requireStaff(req), req.params.id, req.body.staffId),
  });
  app.post('/api/deliveries/:id/delivered', {
    config: staff,
    schema: {
      tags: ['deliveries'],
      summary: '已送达（可附照片：multipart 字段 file，JPEG/PNG ≤2MB）',
      params: IdParams,
      consumes: ['multipart/form-data', 'application/json'],
      response: { 200: DeliveryView, ...errorResponses },
    },
    handler: async (req) => {
      const photo = req.isMultipart() ? await uploadedFile(req, PROOF_MAX_BYTES, 'bad_image') : null;
      return deliveries.markDelivered(req.ctx, requireStaff(req), req.params.id, photo);
    },
  });
}
