import { z } from 'zod';
import { errorResponses, IdParams, requireStaff, type App } from '../../http.js';
import { CourierCreateBody, CourierListQuery, CourierUpdateBody, CourierView } from './couriers.schema.js';
import * as couriers from './couriers.service.js';

/** 快递员管理. */
export async function courierRoutes(app: App): Promise<void> {
  const { ctx } = app;
  app.get('/api/couriers', {
    schema: { tags: ['couriers'], summary: '快递员列表', querystring: CourierListQuery, response: { 200: z.object({ items: z.array(CourierView), total: z.number() }), ...errorResponses } },
    handler: async (req) => couriers.listCouriers(ctx, requireStaff(req).scope, req.query),
  });
  app.post('/api/couriers', {
    schema: { tags: ['couriers'], summary: '添加快递员', body: CourierCreateBody, response: { 201: CourierView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await couriers.createCourier(ctx, requireStaff(req).scope, req.body)),
  });
  app.get('/api/couriers/:id', {
    schema: { tags: ['couriers'], params: IdParams, response: { 200: CourierView, ...errorResponses } },
    handler: async (req) => couriers.getCourier(ctx, requireStaff(req).scope, req.params.id),
  });
  app.patch('/api/couriers/:id', {
    schema: { tags: ['couriers'], summary: '修改快递员', params: IdParams, body: CourierUpdateBody, response: { 200: CourierView, ...errorResponses } },
    handler: async (req) => couriers.updateCourier(ctx, requireStaff(req).scope, req.params.id, req.body),
  });
  app.delete('/api/couriers/:id', {
    schema: { tags: ['couriers'], summary: '删除快递员', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await couriers.deleteCourier(ctx, requireStaff(req).scope, req.params.id);
      return reply.code(204).send(null);
    },
  });
}
