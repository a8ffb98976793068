import { z } from 'zod';
import { errorResponses, IdParams, requireStaff, type App } from '../../http.js';
import { readImport } from '../spreadsheets/import-table.js';
import { fileRoute, FormatQuery, ImportReply, sendSheet, uploadRoute } from '../spreadsheets/sheet-http.js';
import { CourierCreateBody, CourierListQuery, CourierUpdateBody, CourierView } from './couriers.schema.js';
import * as couriers from './couriers.service.js';
import { COURIER_COLUMNS, courierExport, courierTemplate, importCouriers } from './couriers.sheets.js';

const ExportQuery = CourierListQuery.omit({ page: true, pageSize: true }).extend(FormatQuery);

/** 快递员管理. */
export async function courierRoutes(app: App): Promise<void> {
  app.get('/api/couriers', {
    config: { access: 'staff' },
    schema: {
      tags: ['couriers'],
      summary: '快递员列表',
      querystring: CourierListQuery,
      response: { 200: z.object({ items: z.array(CourierView), total: z.number() }), ...errorResponses },
    },
    handler: async (req) => couriers.listCouriers(req.ctx, requireStaff(req).scope, req.query),
  });
  app.get('/api/couriers/template', {
    config: { access: 'staff' },
    schema: { tags: ['couriers'], summary: '下载标准快递员信息模版', querystring: z.strictObject(FormatQuery), ...fileRoute },
    handler: async (req, reply) => sendSheet(reply, await courierTemplate(req.ctx, requireStaff(req).scope), req.query.format, req.ctx.now()),
  });
  app.post('/api/couriers/import', {
    config: { access: 'staff' },
    schema: { tags: ['couriers'], summary: '批量导入快递员（csv、xls、xlsx，字段 file）', ...uploadRoute, response: { 200: ImportReply, ...errorResponses } },
    handler: async (req) => {
      const { scope } = requireStaff(req);
      return importCouriers(req.ctx, scope, await readImport(req, COURIER_COLUMNS));
    },
  });
  app.get('/api/couriers/export', {
    config: { access: 'staff' },
    schema: { tags: ['couriers'], summary: '导出快递员信息', querystring: ExportQuery, ...fileRoute },
    handler: async (req, reply) => {
      const { format, ...filter } = req.query;
      return sendSheet(reply, await courierExport(req.ctx, requireStaff(req).scope, filter), format, req.ctx.now());
    },
  });
  app.post('/api/couriers', {
    config: { access: 'staff' },
    schema: { tags: ['couriers'], summary: '添加快递员', body: CourierCreateBody, response: { 201: CourierView, ...errorResponses } },
    handler: async (req, reply) => reply.code(201).send(await couriers.createCourier(req.ctx, requireStaff(req).scope, req.body)),
  });
  app.get('/api/couriers/:id', {
    config: { access: 'staff' },
    schema: { tags: ['couriers'], params: IdParams, response: { 200: CourierView, ...errorResponses } },
    handler: async (req) => couriers.getCourier(req.ctx, requireStaff(req).scope, req.params.id),
  });
  app.patch('/api/couriers/:id', {
    config: { access: 'staff' },
    schema: { tags: ['couriers'], summary: '修改快递员', params: IdParams, body: CourierUpdateBody, response: { 200: CourierView, ...errorResponses } },
    handler: async (req) => couriers.updateCourier(req.ctx, requireStaff(req).scope, req.params.id, req.body),
  });
  app.delete('/api/couriers/:id', {
    config: { access: 'staff' },
    schema: { tags: ['couriers'], summary: '删除快递员', params: IdParams, response: { 204: z.null(), ...errorResponses } },
    handler: async (req, reply) => {
      await couriers.deleteCourier(req.ctx, requireStaff(req).scope, req.params.id);
      return reply.code(204).send(null);
    },
  });
}
