import { errorResponses, type App } from '../../http.js';
import { CreateOrgBody, CreateOrgReply } from './orgs.schema.js';
import { createOrg } from './orgs.service.js';

/** The operator's API, behind `Authorization: Bearer $OPERATOR_TOKEN` (the `operator` access). */
export async function orgRoutes(app: App): Promise<void> {
  app.post('/api/operator/orgs', {
    config: { access: 'operator' },
    schema: { tags: ['operator'], summary: '创建物业公司及其管理员', body: CreateOrgBody, response: { 201: CreateOrgReply, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await createOrg(req.ctx, req.body)),
  });
}
