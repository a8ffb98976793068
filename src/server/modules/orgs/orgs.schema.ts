import { z } from 'zod';
import { Text } from '../../../shared/schemas.js';
import { Password, Username } from '../staff/staff.schema.js';

export const CreateOrgBody = z.strictObject({ name: Text(100), adminUsername: Username, adminPassword: Password });
export const CreateOrgReply = z.object({
  org: z.object({ id: z.number(), name: z.string() }),
  admin: z.object({ id: z.number(), username: z.string() }),
});
