import { z } from 'zod';
import { errorResponses, IdParams, requireStaff, type App } from '../../http.js';
import { ShelfCreateBody, ShelfList, ShelfUpdateBody, ShelfView } from './shelves.schema.js';
import * as shelves from './shelves.service.js';

/** 货架管理: the shelves of a community's collection point. */
export async function shelfRoutes(app: App): Promise<void> {
  const tags = ['station'];
  const staff = { access: 'staff' } as const;
  app.get('/api/communities/:id/shelves', {
    config: staff,
    schema: { tags, summary: '货架列表（含占用）', params: IdParams, response: { 200: ShelfList, ...errorResponses } },
    handler: async (req) => shelves.listShelves(req.ctx, requireStaff(req).scope, req.params.id),
  });
  app.post('/api/communities/:id/shelves', {
    config: staff,
    schema: { tags, summary: '添加货架', params: IdParams, body: ShelfCreateBody, response: { 201: ShelfView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await shelves.createShelf(req.ctx, requireStaff(req).scope, req.params.id, req.body)),
  });
  app.patch('/api/shelves/:id', {
    config: staff,
    schema: { tags, summary: '修改货架', params: IdParams, body: ShelfUpdateBody, response: { 200: ShelfView, ...errorResponses } },
    handler: async (req) => shelves.updateShelf(req.ctx, requireStaff(req).scope, req.params.id, req.body),
  });
  app.delete('/api/shelves/:id', {
    config: staff,
    schema: { tags, summary: '删除货架（有待领取包裹时拒绝）', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await shelves.deleteShelf(req.ctx, requireStaff(req).scope, req.params.id);
      return reply.code(204).send(null);
    },
  });
}
