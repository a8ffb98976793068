import { z } from 'zod';
import { EXCEPTION_KINDS } from '../../../shared/parcel-status.js';
import { Text } from '../../../shared/schemas.js';

export const ExceptionBody = z.strictObject({ kind: z.enum(EXCEPTION_KINDS), note: Text(200).optional() });
export type ExceptionReq = z.infer<typeof ExceptionBody>;
export const ReturnBody = z.strictObject({ reason: Text(100).optional() }).default({});
