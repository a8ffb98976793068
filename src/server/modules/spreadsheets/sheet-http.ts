import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CONTENT_TYPES, contentDisposition, writeSheet, type SheetFormat, type SheetSpec } from './write-table.js';

export const FormatQuery = { format: z.enum(['xlsx', 'csv']).default('xlsx') };

export const ImportReply = z.object({
  created: z.number(),
  updated: z.number(),
  failed: z.number(),
  errors: z.array(z.object({ row: z.number(), column: z.string(), message: z.string() })),
});

/** What a file route declares for the OpenAPI document. */
export const fileRoute = { produces: [CONTENT_TYPES.xlsx, CONTENT_TYPES.csv] };
export const uploadRoute = { consumes: ['multipart/form-data'] };

/** Streams a sheet as a download with its Chinese file name. */
export function sendSheet(reply: FastifyReply, spec: SheetSpec, format: SheetFormat, now: Date) {
  return reply
    .header('content-type', CONTENT_TYPES[format])
    .header('content-disposition', contentDisposition(spec.fileTitle, format, now))
    .header('cache-control', 'no-store')
    .send(writeSheet(spec, format));
}
