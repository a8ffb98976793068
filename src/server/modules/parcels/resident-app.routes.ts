import { errorResponses, IdParams, requireResident, type App } from '../../http.js';
import { householdParcels, residentParcel, residentParcels } from './parcels.intake.js';
import { OwnParcelsQuery, ParcelPage, ParcelView } from './parcels.schema.js';

/** The resident app: the parcels addressed to the signed-in phone. */
export async function residentAppRoutes(app: App): Promise<void> {
  app.get('/api/resident/parcels', {
    config: { access: 'resident' },
    schema: { tags: ['resident app'], summary: '我的快递', querystring: OwnParcelsQuery, response: { 200: ParcelPage, ...errorResponses } },
    handler: async (req) => residentParcels(req.ctx, requireResident(req).phone, req.query.status, req.query.page, req.query.pageSize),
  });
  app.get('/api/resident/household/parcels', {
    config: { access: 'resident' },
    schema: { tags: ['resident app'], summary: '家人代领：授权我代领的待领取快递', response: { 200: ParcelPage, ...errorResponses } },
    handler: async (req) => householdParcels(req.ctx, requireResident(req).phone),
  });
  app.get('/api/resident/parcels/:id', {
    config: { access: 'resident' },
    schema: { tags: ['resident app'], summary: '一件快递（我的，或授权我代领的）', params: IdParams, response: { 200: ParcelView, ...errorResponses } },
    handler: async (req) => residentParcel(req.ctx, requireResident(req).phone, req.params.id),
  });
}
