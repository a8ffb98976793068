import { errorResponses, IdParams, requireResident, requireStaff, type App } from '../../http.js';
import { fileRoute, sendSheet } from '../spreadsheets/sheet-http.js';
import { ConsentExportQuery, PreferenceBody, PreferenceHistory, PreferenceList } from './preferences.schema.js';
import * as preferences from './preferences.service.js';

/** 收件偏好: the resident's choice per community; the console's history and 代收同意记录 export. */
export async function preferenceRoutes(app: App): Promise<void> {
  app.get('/api/resident/preferences', {
    config: { access: 'resident' },
    schema: { tags: ['resident app'], summary: '收件偏好（每个小区）', response: { 200: PreferenceList, ...errorResponses } },
    handler: async (req) => preferences.myPreferences(req.ctx, requireResident(req)),
  });
  app.put('/api/resident/preferences', {
    config: { access: 'resident' },
    schema: {
      tags: ['resident app'],
      summary: '设置收件偏好：代收（同意放入代收点）、送货上门或其他，可按快递公司',
      body: PreferenceBody,
      response: { 200: PreferenceList, ...errorResponses },
    },
    handler: async (req) => preferences.setPreference(req.ctx, requireResident(req), req.body),
  });
  app.get('/api/residents/:id/preference-history', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], summary: '收件偏好记录（每次修改，不可更改）', params: IdParams, response: { 200: PreferenceHistory, ...errorResponses } },
    handler: async (req) => preferences.historyOf(req.ctx, requireStaff(req).scope, req.params.id),
  });
  app.get('/api/preferences/export', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], summary: '导出代收同意记录：范围内入库的包裹及当时的收件偏好', querystring: ConsentExportQuery, ...fileRoute },
    handler: async (req, reply) => {
      const { format, ...q } = req.query;
      return sendSheet(reply, await preferences.consentExport(req.ctx, requireStaff(req).scope, q), format, req.ctx.now());
    },
  });
}
