import { z } from 'zod';
import { errorResponses, requireResident, type App } from '../../http.js';
import { MemberBody, MemberList, MemberParams, MemberView } from './household.schema.js';
import * as household from './household.service.js';

/** 家人代领 in the resident app: the phones allowed to see and collect the signed-in resident's parcels. */
export async function householdRoutes(app: App): Promise<void> {
  const tags = ['resident app'];
  const config = { access: 'resident' } as const;
  app.get('/api/resident/household', {
    config,
    schema: { tags, summary: '家人代领：已授权的手机号', response: { 200: MemberList, ...errorResponses } },
    handler: async (req) => household.listMembers(req.ctx, requireResident(req).phone),
  });
  app.post('/api/resident/household', {
    config,
    schema: { tags, summary: '授权一个手机号查看并代领我的快递（最多5个）', body: MemberBody, response: { 201: MemberView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await household.addMember(req.ctx, requireResident(req).phone, req.body)),
  });
  app.delete('/api/resident/household/:phone', {
    config,
    schema: { tags, summary: '取消授权（立即生效）', params: MemberParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await household.removeMember(req.ctx, requireResident(req).phone, req.params.phone);
      return reply.code(204).send(null);
    },
  });
}
