import { z } from 'zod';
import { Id } from '../../../shared/schemas.js';
import { errorResponses, IdParams, requireStaff, type App } from '../../http.js';
import {
  BatchReceiveBody,
  BatchRejectBody,
  BatchReply,
  ParcelDetailView,
  ParcelListQuery,
  ParcelPage,
  ParcelView,
  PickupBody,
  ReceiveBody,
  RejectBody,
} from './parcels.schema.js';
import * as parcels from './parcels.service.js';
import { parcelExport } from './parcels.sheets.js';
import { fileRoute, FormatQuery, sendSheet } from '../spreadsheets/sheet-http.js';

const Counts = z.object({
  pending_receipt: z.number(),
  awaiting_pickup: z.number(),
  picked_up: z.number(),
  rejected: z.number(),
  exception: z.number(),
  returned: z.number(),
  all: z.number(),
});

/** 快递记录: the front desk's list and moves. */
export async function parcelRoutes(app: App): Promise<void> {
  const tags = ['parcels'];
  app.get('/api/parcels', {
    config: { access: 'staff' },
    schema: { tags, summary: '快递记录', querystring: ParcelListQuery, response: { 200: ParcelPage, ...errorResponses } },
    handler: async (req) => parcels.listParcels(req.ctx, requireStaff(req).scope, req.query),
  });
  app.get('/api/parcels/export', {
    config: { access: 'staff' },
    schema: { tags, summary: '导出快递记录', querystring: ParcelListQuery.omit({ page: true, pageSize: true }).extend(FormatQuery), ...fileRoute },
    handler: async (req, reply) => {
      const { format, ...filter } = req.query;
      return sendSheet(reply, await parcelExport(req.ctx, requireStaff(req).scope, filter), format, req.ctx.now());
    },
  });
  app.get('/api/parcels/counts', {
    config: { access: 'staff' },
    schema: {
      tags,
      summary: '各状态数量（标签页）',
      querystring: z.strictObject({ communityId: Id.optional() }),
      response: { 200: Counts, ...errorResponses },
    },
    handler: async (req) => parcels.parcelCounts(req.ctx, requireStaff(req).scope, req.query.communityId),
  });
  app.get('/api/parcels/:id', {
    config: { access: 'staff' },
    schema: { tags, summary: '包裹详情与历史', params: IdParams, response: { 200: ParcelDetailView, ...errorResponses } },
    handler: async (req) => parcels.getParcel(req.ctx, requireStaff(req).scope, req.params.id),
  });
  app.post('/api/parcels/:id/receive', {
    config: { access: 'staff' },
    schema: { tags, summary: '接收', params: IdParams, body: ReceiveBody, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => parcels.receiveParcel(req.ctx, requireStaff(req), req.params.id, req.body.damaged),
  });
  app.post('/api/parcels/:id/reject', {
    config: { access: 'staff' },
    schema: { tags, summary: '拒收', params: IdParams, body: RejectBody, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => parcels.rejectParcel(req.ctx, requireStaff(req), req.params.id, req.body.reason),
  });
  app.post('/api/parcels/:id/pickup', {
    config: { access: 'staff' },
    schema: { tags, summary: '领取（确认保管费）', params: IdParams, body: PickupBody, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => parcels.pickupParcel(req.ctx, requireStaff(req), req.params.id, req.body.feeFen, req.body.collectorPhone),
  });
  app.post('/api/parcels/:id/waive-fee', {
    config: { access: 'staff' },
    schema: { tags, summary: '撤销保管费', params: IdParams, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => parcels.waiveFee(req.ctx, requireStaff(req), req.params.id),
  });
  app.post('/api/parcels/receive', {
    config: { access: 'staff' },
    schema: { tags, summary: '批量接收', body: BatchReceiveBody, response: { 200: BatchReply, ...errorResponses } },
    handler: async (req) => {
      const auth = requireStaff(req);
      return parcels.batch(req.body.ids, (id) => parcels.receiveParcel(req.ctx, auth, id, req.body.damaged));
    },
  });
  app.post('/api/parcels/reject', {
    config: { access: 'staff' },
    schema: { tags, summary: '批量拒收', body: BatchRejectBody, response: { 200: BatchReply, ...errorResponses } },
    handler: async (req) => {
      const auth = requireStaff(req);
      return parcels.batch(req.body.ids, (id) => parcels.rejectParcel(req.ctx, auth, id, req.body.reason));
    },
  });
}
