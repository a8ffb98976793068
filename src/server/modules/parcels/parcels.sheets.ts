import { formatFen } from '../../../shared/fee.js';
import { PARCEL_STATUS_LABELS } from '../../../shared/parcel-status.js';
import { formatShanghai } from '../../../shared/time.js';
import type { Scope } from '../../actors.js';
import type { Ctx } from '../../context.js';
import { badRequest } from '../../errors.js';
import type { SheetSpec } from '../spreadsheets/write-table.js';
import { presentParcel } from './parcels.present.js';
import { recordExport } from '../audit/audit.service.js';
import * as repo from './parcels.repo.js';
import type { ParcelListReq } from './parcels.schema.js';
import { parcelFilter } from './parcels.service.js';

/** An export holds at most this many parcels; past it the clerk narrows the filter. */
export const MAX_PARCEL_EXPORT = 100_000;
const PAGE = 1000;

const COLUMNS: [string, number][] = [
  ['快递公司', 12],
  ['快递单号', 20],
  ['派件员', 10],
  ['派件员电话', 14],
  ['收件人', 10],
  ['收件人电话', 14],
  ['小区', 16],
  ['住址', 12],
  ['录入时间', 17],
  ['保管费', 10],
  ['状态', 8],
  ['领取码', 8],
  ['接收时间', 17],
  ['领取时间', 17],
  ['外观破损', 8],
  ['拒收原因', 20],
];

/** 快递记录 export: the front-desk list's columns, for the current filter, fees as of now. */
export async function parcelExport(ctx: Ctx, scope: Scope, query: Omit<ParcelListReq, 'page' | 'pageSize'>): Promise<SheetSpec> {
  const filter = await parcelFilter(ctx, scope, query);
  const total = await repo.countParcels(ctx.db, scope, filter);
  if (total > MAX_PARCEL_EXPORT) {
    throw badRequest('too_many_rows', `导出数据过多（${total}条，最多${MAX_PARCEL_EXPORT}条），请缩小筛选范围`);
  }
  await recordExport(ctx, 'parcels', { ...query, rows: total });
  const now = ctx.now();
  async function* rows(): AsyncIterable<string[]> {
    // Pages by id, newest first: memory stays at one page whatever the export's size.
    for (let before: number | undefined; ;) {
      const page = await repo.parcelsPage(ctx.db, scope, { ...filter, beforeId: before }, PAGE);
      for (const row of page) {
        const p = presentParcel(row, now, 'staff');
        yield [
          p.carrier,
          p.trackingNo,
          p.courier.name,
          p.courier.phone,
          p.recipientName,
          p.recipientPhone,
          p.communityName,
          p.address ?? '',
          formatShanghai(p.enteredAt),
          formatFen(p.feeFen),
          PARCEL_STATUS_LABELS[p.status],
          p.pickupCode ?? '',
          formatShanghai(p.receivedAt),
          formatShanghai(p.pickedUpAt),
          p.damaged ? '是' : '',
          p.rejectReason ?? '',
        ];
      }
      if (page.length < PAGE) return;
      before = page[page.length - 1]?.id;
    }
  }
  return { fileTitle: '快递记录', sheetName: '快递记录', columns: COLUMNS.map(([name, width]) => ({ name, width, text: true })), rows: rows() };
}
