import { z } from 'zod';

export const ProofKind = z.enum(['photo', 'signature']);
export const ProofQuery = z.strictObject({ kind: ProofKind.default('photo') });
export const ProofView = z.object({
  id: z.number(),
  kind: ProofKind,
  mime: z.string(),
  size: z.number(),
  width: z.number(),
  height: z.number(),
  createdAt: z.string(),
});
