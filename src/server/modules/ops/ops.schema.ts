import { z } from 'zod';

export const Readiness = z.object({
  ok: z.boolean(),
  /** Why not: migrations still to run, the database not answering, or the server stopping. */
  reason: z.enum(['migrations', 'database', 'stopping']).optional(),
});
export type Readiness = z.infer<typeof Readiness>;
