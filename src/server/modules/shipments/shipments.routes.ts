import { errorResponses, IdParams, requirePayer, requireResident, requireStaff, type App } from '../../http.js';
import { PaymentView } from '../payments/payments.schema.js';
import { HandoverBody, QuoteBody, ShipmentCreateBody, ShipmentList, ShipmentQuery, ShipmentView } from './shipments.schema.js';
import * as shipments from './shipments.service.js';

/** 代寄: the resident files and pays; the desk weighs, quotes and hands over. */
export async function shipmentRoutes(app: App): Promise<void> {
  const resident = { access: 'resident' } as const;
  const staff = { access: 'staff' } as const;
  app.post('/api/resident/shipments', {
    config: resident,
    schema: { tags: ['resident app'], summary: '代寄下单', body: ShipmentCreateBody, response: { 201: ShipmentView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await shipments.requestShipment(req.ctx, requireResident(req).phone, req.body)),
  });
  app.get('/api/resident/shipments', {
    config: resident,
    schema: { tags: ['resident app'], summary: '我的代寄', response: { 200: ShipmentList, ...errorResponses } },
    handler: async (req) => shipments.residentShipments(req.ctx, requireResident(req).phone),
  });
  app.post('/api/resident/shipments/:id/pay', {
    config: resident,
    schema: { tags: ['resident app'], summary: '代寄：支付运费', params: IdParams, response: { 201: PaymentView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await shipments.payShipment(req.ctx, requirePayer(req), req.params.id)),
  });
  app.post('/api/resident/shipments/:id/cancel', {
    config: resident,
    schema: { tags: ['resident app'], summary: '取消代寄（交寄前；已支付的原路退款）', params: IdParams, response: { 200: ShipmentView, ...errorResponses } },
    handler: async (req) => shipments.cancelShipment(req.ctx, requireResident(req).phone, req.params.id),
  });

  app.get('/api/shipments', {
    config: staff,
    schema: { tags: ['shipments'], summary: '代寄列表', querystring: ShipmentQuery, response: { 200: ShipmentList, ...errorResponses } },
    handler: async (req) => shipments.listShipments(req.ctx, requireStaff(req), req.query),
  });
  app.post('/api/shipments/:id/quote', {
    config: staff,
    schema: {
      tags: ['shipments'],
      summary: '称重报价（短信通知寄件人）',
      params: IdParams,
      body: QuoteBody,
      response: { 200: ShipmentView, ...errorResponses },
    },
    handler: async (req) => shipments.quoteShipment(req.ctx, requireStaff(req), req.params.id, req.body),
  });
  app.post('/api/shipments/:id/handover', {
    config: staff,
    schema: {
      tags: ['shipments'],
      summary: '交寄：记录快递员和运单号（短信通知寄件人）',
      params: IdParams,
      body: HandoverBody,
      response: { 200: ShipmentView, ...errorResponses },
    },
    handler: async (req) => shipments.handOverShipment(req.ctx, requireStaff(req), req.params.id, req.body),
  });
}
