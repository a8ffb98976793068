import { z } from 'zod';
import { errorResponses, requireAdmin, requireStaff, type App } from '../../http.js';
import { getOrg, setAppEnabled } from '../orgs/orgs.service.js';

const AppState = z.object({ enabled: z.boolean() });

/** 应用广场: whether the org's parcel app is open. */
export async function appRoutes(app: App): Promise<void> {
  app.get('/api/app', {
    config: { access: 'staff' },
    schema: { tags: ['app'], summary: '应用状态', response: { 200: AppState, ...errorResponses } },
    handler: async (req) => {
      const { staff } = requireStaff(req);
      return { enabled: (await getOrg(req.ctx, staff.orgId)).appEnabled };
    },
  });
  app.put('/api/app', {
    config: { access: 'admin' },
    schema: { tags: ['app'], summary: '开启应用 / 关闭应用', body: z.strictObject({ enabled: z.boolean() }), response: { 200: AppState, ...errorResponses } },
    handler: async (req) => {
      const { staff } = requireAdmin(req);
      return setAppEnabled(req.ctx, staff.orgId, req.body.enabled);
    },
  });
}
