// The API's answers as the tests read them: the console's types (inferred from the server's own zod
// schemas in src/web/api-types.ts), and the few answers the console does not read, inferred the same way
// where the server exports the schema.
import type { z } from 'zod';
import type { ErrorBody } from '../../src/server/http.js';
import type { CourierCommunity, CourierLoginReply, StaffPublic } from '../../src/server/modules/auth/auth.schema.js';
import type { CreateOrgReply } from '../../src/server/modules/orgs/orgs.schema.js';
import type { Me } from '../../src/web/api-types.js';

export type {
  BatchResult,
  Community,
  Courier,
  Me,
  Notification,
  Page,
  Parcel,
  ParcelDetail,
  Resident,
  Shelf,
  Staff,
  StaffMe,
} from '../../src/web/api-types.js';

export type CourierMe = Extract<Me, { kind: 'courier' }>;
/** Any error answer: `{ error, message }`, `issues` for invalid input. */
export type ApiError = z.infer<typeof ErrorBody>;
export type CreateOrgResult = z.infer<typeof CreateOrgReply>;
export type StaffLoginResult = { staff: z.infer<typeof StaffPublic> };
export type CourierLoginResult = z.infer<typeof CourierLoginReply>;
/** GET /api/courier/communities. */
export type CourierCommunities = { items: z.infer<typeof CourierCommunity>[] };
/** GET and PUT /api/app (the route's schema is not exported). */
export type AppState = { enabled: boolean };
/** GET /api/dev/messages (the route's schema is not exported). */
export type DevInbox = { items: { to: string; channel: 'sms' | 'wechat'; text: string; createdAt: string }[] };
