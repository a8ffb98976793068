import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError, notFound } from '../../errors.js';
import { errorResponses, type App } from '../../http.js';
import { CreateOrgBody, CreateOrgReply } from './orgs.schema.js';
import { createOrg } from './orgs.service.js';

/** The operator's API, behind `Authorization: Bearer $OPERATOR_TOKEN`. */
export async function orgRoutes(app: App): Promise<void> {
  const { ctx, config } = app;

  function requireOperator(req: FastifyRequest) {
    // Without a configured token the operator API does not exist.
    if (!config.operatorToken) throw notFound();
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const digest = (s: string) => createHash('sha256').update(s).digest();
    if (!timingSafeEqual(digest(given), digest(config.operatorToken))) throw new AppError(401, 'unauthorized');
  }

  app.post('/api/operator/orgs', {
    schema: {
      tags: ['operator'],
      summary: '创建物业公司及其管理员',
      security: [{ operator: [] }],
      body: CreateOrgBody,
      response: { 201: CreateOrgReply, ...errorResponses },
    },
    handler: async (req, reply) => {
      requireOperator(req);
      return reply.code(201).send(await createOrg(ctx, req.body));
    },
  });
}
