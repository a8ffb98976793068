import { z } from 'zod';
import { errorResponses, IdParams, requireAdmin, type App } from '../../http.js';
import { StaffCreateBody, StaffUpdateBody, StaffView } from './staff.schema.js';
import * as staff from './staff.service.js';

/** 人员管理 (admins only). */
export async function staffRoutes(app: App): Promise<void> {
  app.post('/api/staff', {
    config: { access: 'admin' },
    schema: { tags: ['staff'], summary: '添加物业人员', body: StaffCreateBody, response: { 201: StaffView, ...errorResponses } },
    handler: async (req, reply) => {
      const { staff: me } = requireAdmin(req);
      return reply.code(201).send(await staff.createStaff(req.ctx, me.orgId, req.body));
    },
  });
  app.get('/api/staff', {
    config: { access: 'admin' },
    schema: { tags: ['staff'], summary: '物业人员列表', response: { 200: z.object({ items: z.array(StaffView), total: z.number() }), ...errorResponses } },
    handler: async (req) => staff.listStaff(req.ctx, requireAdmin(req).staff.orgId),
  });
  app.get('/api/staff/:id', {
    config: { access: 'admin' },
    schema: { tags: ['staff'], params: IdParams, response: { 200: StaffView, ...errorResponses } },
    handler: async (req) => staff.getStaff(req.ctx, requireAdmin(req).staff.orgId, req.params.id),
  });
  app.patch('/api/staff/:id', {
    config: { access: 'admin' },
    schema: {
      tags: ['staff'],
      summary: '修改物业人员（停用、角色、小区、密码）',
      params: IdParams,
      body: StaffUpdateBody,
      response: { 200: StaffView, ...errorResponses },
    },
    handler: async (req) => {
      const { staff: me } = requireAdmin(req);
      return staff.updateStaff(req.ctx, me.orgId, me.id, req.params.id, req.body);
    },
  });
}
