import { errorResponses, requireResident, type App } from '../../http.js';
import { residentParcels } from './parcels.intake.js';
import { OwnParcelsQuery, ParcelPage } from './parcels.schema.js';

/** The resident app: the parcels addressed to the signed-in phone. */
export async function residentAppRoutes(app: App): Promise<void> {
  app.get('/api/resident/parcels', {
    config: { access: 'resident' },
    schema: { tags: ['resident app'], summary: '我的快递', querystring: OwnParcelsQuery, response: { 200: ParcelPage, ...errorResponses } },
    handler: async (req) => residentParcels(app.ctx, requireResident(req).phone, req.query.status, req.query.page, req.query.pageSize),
  });
}
