import { z } from 'zod';
import { errorResponses, requireResident, IdParams, requireAdmin, requireStaff, type App } from '../../http.js';
import { CommunityCreateBody, CommunityUpdateBody, CommunityView, ResidentCommunityList } from './communities.schema.js';
import * as communities from './communities.service.js';

/** 小区 and 代收设置. */
export async function communityRoutes(app: App): Promise<void> {
  app.post('/api/communities', {
    config: { access: 'admin' },
    schema: { tags: ['communities'], summary: '添加小区', body: CommunityCreateBody, response: { 201: CommunityView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await communities.createCommunity(req.ctx, requireAdmin(req).staff.orgId, req.body)),
  });
  app.get('/api/communities', {
    config: { access: 'staff' },
    schema: {
      tags: ['communities'],
      summary: '代收设置：小区列表',
      response: { 200: z.object({ items: z.array(CommunityView), total: z.number() }), ...errorResponses },
    },
    handler: async (req) => communities.listCommunities(req.ctx, requireStaff(req).scope),
  });
  app.get('/api/resident/communities', {
    config: { access: 'resident' },
    schema: {
      tags: ['resident app'],
      summary: '我的小区（有我的快递或住址），含送货上门单价与时段',
      response: { 200: ResidentCommunityList, ...errorResponses },
    },
    handler: async (req) => communities.residentCommunities(req.ctx, requireResident(req).phone),
  });
  app.get('/api/communities/:id', {
    config: { access: 'staff' },
    schema: { tags: ['communities'], params: IdParams, response: { 200: CommunityView, ...errorResponses } },
    handler: async (req) => communities.presentCommunity(await communities.visibleCommunity(req.ctx, requireStaff(req).scope, req.params.id)),
  });
  app.patch('/api/communities/:id', {
    config: { access: 'admin' },
    schema: {
      tags: ['communities'],
      summary: '代收信息设置',
      params: IdParams,
      body: CommunityUpdateBody,
      response: { 200: CommunityView, ...errorResponses },
    },
    handler: async (req) => communities.updateCommunity(req.ctx, requireAdmin(req).scope, req.params.id, req.body),
  });
}
