import { bearerIs } from '../../access.js';
import { notFound, unauthorized } from '../../errors.js';
import type { App } from '../../http.js';
import { Readiness } from './ops.schema.js';

/**
 * GET /readyz for the proxy or orchestrator (503 while migrations are pending, the database is
 * down or the server is stopping), and GET /metrics for Prometheus: with METRICS_TOKEN set it
 * wants `Authorization: Bearer <token>`; without it, it is open outside production and absent in it.
 */
export async function opsRoutes(app: App): Promise<void> {
  const { config, metrics, readiness } = app;
  const tags = ['meta'];
  app.get('/readyz', {
    schema: { tags, summary: '就绪检查：迁移已完成、数据库可用、未在停止', response: { 200: Readiness, 503: Readiness } },
    handler: async (_req, reply) => {
      const r = await readiness.check();
      return reply.code(r.ok ? 200 : 503).send(r);
    },
  });
  app.get('/metrics', {
    schema: { tags, summary: 'Prometheus 指标（METRICS_TOKEN）', produces: ['text/plain'], security: [{ metrics: [] }] },
    handler: async (req, reply) => {
      if (config.metricsToken) {
        if (!bearerIs(req, config.metricsToken)) throw unauthorized();
      } else if (config.env === 'production') throw notFound();
      return reply
        .header('content-type', metrics.contentType)
        .header('cache-control', 'no-store')
        .send(await metrics.render());
    },
  });
}
