import { errorResponses, requireAdmin, type App } from '../../http.js';
import { fileRoute, sendSheet } from '../spreadsheets/sheet-http.js';
import { AuditExportQuery, AuditListQuery, AuditPage } from './audit.schema.js';
import * as audit from './audit.service.js';

/** 操作日志: the org's audit trail for its admins (read only: no route changes or deletes a row). */
export async function auditRoutes(app: App): Promise<void> {
  const tags = ['audit'];
  const admin = { access: 'admin' } as const;
  app.get('/api/audit', {
    config: admin,
    schema: { tags, summary: '操作日志', querystring: AuditListQuery, response: { 200: AuditPage, ...errorResponses } },
    handler: async (req) => audit.listAudit(req.ctx, requireAdmin(req), req.query),
  });
  app.get('/api/audit/export', {
    config: admin,
    schema: { tags, summary: '导出操作日志', querystring: AuditExportQuery, ...fileRoute },
    handler: async (req, reply) => {
      const { format, ...filter } = req.query;
      return sendSheet(reply, await audit.auditExport(req.ctx, requireAdmin(req), filter), format, req.ctx.now());
    },
  });
}
