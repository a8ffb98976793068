import { errorResponses, IdParams, requireCourier, requireStaff, type App } from '../../http.js';
import { ParcelPage, ParcelView } from '../parcels/parcels.schema.js';
import { ExceptionBody, ReturnBody } from './exceptions.schema.js';
import * as exceptions from './exceptions.service.js';

/** 问题件, 退回 and 已取回: the desk's moves, and the courier app's 待取回. */
export async function exceptionRoutes(app: App): Promise<void> {
  const tags = ['exceptions'];
  const staff = { access: 'staff' } as const;
  app.post('/api/parcels/:id/exception', {
    config: staff,
    schema: { tags, summary: '标记问题件', params: IdParams, body: ExceptionBody, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => exceptions.flagParcel(req.ctx, requireStaff(req), req.params.id, req.body),
  });
  app.post('/api/parcels/:id/resolve', {
    config: staff,
    schema: { tags, summary: '问题件已解决（重新待领取，发新领取码）', params: IdParams, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => exceptions.resolveParcel(req.ctx, requireStaff(req), req.params.id),
  });
  app.post('/api/parcels/:id/return', {
    config: staff,
    schema: { tags, summary: '退回快递员', params: IdParams, body: ReturnBody, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => exceptions.returnParcel(req.ctx, requireStaff(req), req.params.id, req.body.reason),
  });
  app.post('/api/parcels/:id/handover', {
    config: staff,
    schema: { tags, summary: '快递员已取回（前台登记）', params: IdParams, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => exceptions.handOver(req.ctx, requireStaff(req), req.params.id),
  });
  app.get('/api/courier/returns', {
    config: { access: 'courier' },
    schema: { tags, summary: '待取回（前台退回给我的包裹）', response: { 200: ParcelPage, ...errorResponses } },
    handler: async (req) => exceptions.courierReturns(req.ctx, requireCourier(req)),
  });
  app.post('/api/courier/parcels/:id/taken-back', {
    config: { access: 'courier' },
    schema: { tags, summary: '确认取回', params: IdParams, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => exceptions.courierTakeBack(req.ctx, requireCourier(req), req.params.id),
  });
}
