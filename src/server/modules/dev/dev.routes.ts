import { z } from 'zod';
import { MobilePhone } from '../../../shared/schemas.js';
import type { App } from '../../http.js';
import { devMessages } from '../notifications/notifications.service.js';

/** The console provider's inbox: how a developer or a test reads an SMS. Never in production. */
export async function devRoutes(app: App): Promise<void> {
  app.get('/api/dev/messages', {
    config: { access: 'public' },
    schema: {
      tags: ['dev'],
      summary: '开发收件箱（仅开发环境）',
      querystring: z.strictObject({ to: MobilePhone.optional() }),
      response: {
        200: z.object({
          items: z.array(z.object({ to: z.string(), channel: z.enum(['sms', 'wechat']), text: z.string(), createdAt: z.string() })),
        }),
      },
    },
    handler: async (req) => devMessages(req.ctx, req.query.to),
  });
}
