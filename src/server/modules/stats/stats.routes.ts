import { errorResponses, requireStaff, type App } from '../../http.js';
import { fileRoute, sendSheet } from '../spreadsheets/sheet-http.js';
import { StatsByCarrier, StatsByCommunity, StatsByCourier, StatsDaily, StatsExportQuery, StatsQuery, StatsSummary } from './stats.schema.js';
import * as stats from './stats.service.js';

/** 数据看板: admins see their org, clerks their communities. */
export async function statsRoutes(app: App): Promise<void> {
  const tags = ['stats'];
  const staff = { access: 'staff' } as const;
  app.get('/api/stats/summary', {
    config: staff,
    schema: { tags, summary: '数据看板：汇总', querystring: StatsQuery, response: { 200: StatsSummary, ...errorResponses } },
    handler: async (req) => stats.summary(req.ctx, requireStaff(req).scope, req.query),
  });
  app.get('/api/stats/daily', {
    config: staff,
    schema: { tags, summary: '数据看板：每日', querystring: StatsQuery, response: { 200: StatsDaily, ...errorResponses } },
    handler: async (req) => stats.daily(req.ctx, requireStaff(req).scope, req.query),
  });
  app.get('/api/stats/daily/export', {
    config: staff,
    schema: { tags, summary: '导出每日数据', querystring: StatsExportQuery, ...fileRoute },
    handler: async (req, reply) => {
      const { format, ...q } = req.query;
      return sendSheet(reply, await stats.dailyExport(req.ctx, requireStaff(req).scope, q), format, req.ctx.now());
    },
  });
  app.get('/api/stats/by-courier', {
    config: staff,
    schema: { tags, summary: '数据看板：按快递员', querystring: StatsQuery, response: { 200: StatsByCourier, ...errorResponses } },
    handler: async (req) => stats.byCourier(req.ctx, requireStaff(req).scope, req.query),
  });
  app.get('/api/stats/by-carrier', {
    config: staff,
    schema: { tags, summary: '数据看板：按快递公司', querystring: StatsQuery, response: { 200: StatsByCarrier, ...errorResponses } },
    handler: async (req) => stats.byCarrier(req.ctx, requireStaff(req).scope, req.query),
  });
  app.get('/api/stats/by-community', {
    config: staff,
    schema: { tags, summary: '数据看板：按小区', querystring: StatsQuery, response: { 200: StatsByCommunity, ...errorResponses } },
    handler: async (req) => stats.byCommunity(req.ctx, requireStaff(req).scope, req.query),
  });
}
