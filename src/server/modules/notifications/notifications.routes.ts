import { z } from 'zod';
import { Pagination } from '../../../shared/schemas.js';
import { errorResponses, IdParams, requireAdmin, type App } from '../../http.js';
import { NotificationStatus, NotificationView } from './notifications.schema.js';
import { listNotifications, retryNotification } from './notifications.service.js';

/** 通知记录: the outbox, and a retry for failed messages. */
export async function notificationRoutes(app: App): Promise<void> {
  app.get('/api/notifications', {
    config: { access: 'admin' },
    schema: {
      tags: ['notifications'],
      summary: '通知记录',
      querystring: z.strictObject({ status: NotificationStatus.optional(), ...Pagination }),
      response: {
        200: z.object({
          items: z.array(NotificationView),
          total: z.number(),
          /** The SMS caps per phone in force, shown beside 已达上限. */
          smsCaps: z.object({ perHour: z.number(), perDay: z.number() }),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const { staff } = requireAdmin(req);
      const page = await listNotifications(req.ctx, staff.orgId, req.query.status, req.query.page, req.query.pageSize);
      return { ...page, smsCaps: req.ctx.messaging.smsCaps };
    },
  });
  app.post('/api/notifications/:id/retry', {
    config: { access: 'admin' },
    schema: { tags: ['notifications'], summary: '重新发送', params: IdParams, response: { 200: NotificationView, ...errorResponses } },
    handler: async (req) => retryNotification(req.ctx, requireAdmin(req).staff.orgId, req.params.id),
  });
}
