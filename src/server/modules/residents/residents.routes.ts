import { z } from 'zod';
import { errorResponses, IdParams, requireStaff, type App } from '../../http.js';
import { ResidentCreateBody, ResidentListQuery, ResidentUpdateBody, ResidentView } from './residents.schema.js';
import * as residents from './residents.service.js';

/** 住户管理. */
export async function residentRoutes(app: App): Promise<void> {
  const { ctx } = app;
  app.get('/api/residents', {
    schema: { tags: ['residents'], summary: '住户列表', querystring: ResidentListQuery, response: { 200: z.object({ items: z.array(ResidentView), total: z.number() }), ...errorResponses } },
    handler: async (req) => residents.listResidents(ctx, requireStaff(req).scope, req.query),
  });
  app.post('/api/residents', {
    schema: { tags: ['residents'], summary: '添加住户', body: ResidentCreateBody, response: { 201: ResidentView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await residents.createResident(ctx, requireStaff(req).scope, req.body)),
  });
  app.get('/api/residents/:id', {
    schema: { tags: ['residents'], params: IdParams, response: { 200: ResidentView, ...errorResponses } },
    handler: async (req) => residents.getResident(ctx, requireStaff(req).scope, req.params.id),
  });
  app.patch('/api/residents/:id', {
    schema: { tags: ['residents'], summary: '修改住户', params: IdParams, body: ResidentUpdateBody, response: { 200: ResidentView, ...errorResponses } },
    handler: async (req) => residents.updateResident(ctx, requireStaff(req).scope, req.params.id, req.body),
  });
  app.delete('/api/residents/:id', {
    schema: { tags: ['residents'], summary: '删除住户', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await residents.deleteResident(ctx, requireStaff(req).scope, req.params.id);
      return reply.code(204).send(null);
    },
  });
}
