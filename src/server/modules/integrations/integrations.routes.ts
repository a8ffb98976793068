import { z } from 'zod';
import { OpenPreferenceList, OpenPreferenceQuery } from '../preferences/preferences.schema.js';
import { preferencesByHash } from '../preferences/preferences.service.js';
import { errorResponses, IdParams, requireAdmin, requireApiKey, type App } from '../../http.js';
import type { FastifyRequest } from 'fastify';
import { KeyCreateBody, KeyCreated, KeyList, OpenParcelList, OpenParcelsQuery, PreAdviceBody, PreAdviceReply } from './integrations.schema.js';
import * as integrations from './integrations.service.js';

/** 开放接口: the admin's API keys, and the calls a key makes (pre-advice, parcels by tracking number). */
export async function integrationRoutes(app: App): Promise<void> {
  const { config } = app;
  const tags = ['open-api'];
  const admin = { access: 'admin' } as const;
  app.post('/api/integrations/keys', {
    config: admin,
    schema: { tags, summary: '创建 API 密钥（密钥只显示这一次）', body: KeyCreateBody, response: { 201: KeyCreated, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await integrations.createKey(req.ctx, requireAdmin(req), req.body)),
  });
  app.get('/api/integrations/keys', {
    config: admin,
    schema: { tags, summary: 'API 密钥列表', response: { 200: KeyList, ...errorResponses } },
    handler: async (req) => integrations.listKeys(req.ctx, requireAdmin(req)),
  });
  app.delete('/api/integrations/keys/:id', {
    config: admin,
    schema: { tags, summary: '撤销 API 密钥', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await integrations.revokeKey(req.ctx, requireAdmin(req), req.params.id);
      return reply.code(204).send(null);
    },
  });

  // The key's calls this minute, before its body is read (the access check runs after this hook
  // and refuses a call without a key; this one counts only calls that have one).
  const limitKey = async (req: FastifyRequest) => {
    if (req.auth?.kind === 'api_key') await integrations.limitKeyCalls(req.ctx, req.auth, config.openApi.perMinute);
  };
  app.post('/api/open/v1/pre-advice', {
    config: { access: 'api_key', scope: 'pre_advice:write' },
    onRequest: limitKey,
    schema: {
      tags,
      summary: '预报：快递单号 → 收件人手机（每次最多1000项，逐项校验）',
      body: PreAdviceBody,
      response: { 200: PreAdviceReply, ...errorResponses, 413: errorResponses[400] },
    },
    handler: async (req) => integrations.pushPreAdvice(req.ctx, requireApiKey(req), req.body.items),
  });
  app.get('/api/open/v1/parcels', {
    config: { access: 'api_key', scope: 'parcels:read' },
    onRequest: limitKey,
    schema: { tags, summary: '按快递单号查包裹状态（不含手机号）', querystring: OpenParcelsQuery, response: { 200: OpenParcelList, ...errorResponses } },
    handler: async (req) => integrations.openParcels(req.ctx, requireApiKey(req), req.query.trackingNo),
  });
  app.get('/api/open/v1/preferences', {
    config: { access: 'api_key', scope: 'preferences:read' },
    onRequest: limitKey,
    schema: {
      tags,
      summary: '按手机号哈希查收件偏好（SHA-256(盐+手机号)，不含手机号）',
      querystring: OpenPreferenceQuery,
      response: { 200: OpenPreferenceList, ...errorResponses },
    },
    handler: async (req) => preferencesByHash(req.ctx, requireApiKey(req).key.orgId, req.query.phoneHash, req.query.communityId),
  });
}
