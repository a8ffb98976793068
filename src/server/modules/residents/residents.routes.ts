import { z } from 'zod';
import { errorResponses, IdParams, requireStaff, type App } from '../../http.js';
import { readImport } from '../spreadsheets/import-table.js';
import { fileRoute, FormatQuery, ImportReply, sendSheet, uploadRoute } from '../spreadsheets/sheet-http.js';
import { ResidentCreateBody, ResidentListQuery, ResidentUpdateBody, ResidentView } from './residents.schema.js';
import * as residents from './residents.service.js';
import { importResidents, RESIDENT_COLUMNS, residentExport, residentTemplate } from './residents.sheets.js';

const ExportQuery = ResidentListQuery.omit({ page: true, pageSize: true }).extend(FormatQuery);

/** 住户管理. */
export async function residentRoutes(app: App): Promise<void> {
  app.get('/api/residents', {
    config: { access: 'staff' },
    schema: {
      tags: ['residents'],
      summary: '住户列表',
      querystring: ResidentListQuery,
      response: { 200: z.object({ items: z.array(ResidentView), total: z.number() }), ...errorResponses },
    },
    handler: async (req) => residents.listResidents(req.ctx, requireStaff(req).scope, req.query),
  });
  app.get('/api/residents/template', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], summary: '下载住户信息模版', querystring: z.strictObject(FormatQuery), ...fileRoute },
    handler: async (req, reply) => sendSheet(reply, await residentTemplate(req.ctx, requireStaff(req).scope), req.query.format, req.ctx.now()),
  });
  app.post('/api/residents/import', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], summary: '批量导入住户（csv、xls、xlsx，字段 file）', ...uploadRoute, response: { 200: ImportReply, ...errorResponses } },
    handler: async (req) => {
      const { scope } = requireStaff(req);
      return importResidents(req.ctx, scope, await readImport(req, RESIDENT_COLUMNS));
    },
  });
  app.get('/api/residents/export', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], summary: '导出住户信息', querystring: ExportQuery, ...fileRoute },
    handler: async (req, reply) => {
      const { format, ...filter } = req.query;
      return sendSheet(reply, await residentExport(req.ctx, requireStaff(req).scope, filter), format, req.ctx.now());
    },
  });
  app.post('/api/residents', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], summary: '添加住户', body: ResidentCreateBody, response: { 201: ResidentView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await residents.createResident(req.ctx, requireStaff(req).scope, req.body)),
  });
  app.get('/api/residents/:id', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], params: IdParams, response: { 200: ResidentView, ...errorResponses } },
    handler: async (req) => residents.getResident(req.ctx, requireStaff(req).scope, req.params.id),
  });
  app.patch('/api/residents/:id', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], summary: '修改住户', params: IdParams, body: ResidentUpdateBody, response: { 200: ResidentView, ...errorResponses } },
    handler: async (req) => residents.updateResident(req.ctx, requireStaff(req).scope, req.params.id, req.body),
  });
  app.delete('/api/residents/:id', {
    config: { access: 'staff' },
    schema: { tags: ['residents'], summary: '删除住户', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await residents.deleteResident(req.ctx, requireStaff(req).scope, req.params.id);
      return reply.code(204).send(null);
    },
  });
}
