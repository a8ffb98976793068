import { errorResponses, IdParams, requireStaff, type App } from '../../http.js';
import { uploadedFile } from '../spreadsheets/import-table.js';
import { ProofQuery, ProofView } from './proofs.schema.js';
import * as proofs from './proofs.service.js';

/** 领取凭证: a photo or signature kept with a parcel, seen by the desk only. */
export async function proofRoutes(app: App): Promise<void> {
  const tags = ['proofs'];
  app.post('/api/parcels/:id/proof', {
    config: { access: 'staff' },
    schema: {
      tags,
      summary: '上传领取凭证（拍照或签名，JPEG/PNG，≤2MB，multipart 字段 file）',
      params: IdParams,
      querystring: ProofQuery,
      consumes: ['multipart/form-data'],
      response: { 201: ProofView, ...errorResponses },
    },
    handler: async (req, reply) => {
      const bytes = await uploadedFile(req, proofs.PROOF_MAX_BYTES, 'bad_image');
      return reply.code(201).send(await proofs.addProof(req.ctx, requireStaff(req), req.params.id, req.query.kind, bytes));
    },
  });
  app.get('/api/parcels/:id/proof', {
    config: { access: 'staff' },
    schema: { tags, summary: '领取凭证图片', params: IdParams, produces: ['image/jpeg', 'image/png'] },
    handler: async (req, reply) => {
      const image = await proofs.proofImage(req.ctx, requireStaff(req), req.params.id);
      // The type the bytes proved; nosniff (helmet) and a sandbox keep a browser from reading it as anything else.
      return reply
        .type(image.mime)
        .header('content-disposition', 'inline; filename="proof"')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(image.data);
    },
  });
}
