import { canonicalCarrier, CARRIERS } from '../../../shared/carriers.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { isTaken } from '../../db/dialect.js';
import type { Scope } from '../../actors.js';
import { listCommunities } from '../communities/communities.service.js';
import {
  checkCellText,
  firstOfKey,
  importedPhone,
  importResult,
  upsertRows,
  type ImportColumn,
  type ImportError,
  type ImportResult,
  type ImportRow,
} from '../spreadsheets/import-table.js';
import type { SheetColumn, SheetSpec } from '../spreadsheets/write-table.js';
import { recordExport } from '../audit/audit.service.js';
import * as repo from './couriers.repo.js';
import type { CourierListReq } from './couriers.schema.js';

type Key = 'name' | 'phone' | 'carrier' | 'community';

/** The standard template's columns (the guide's layout: groups in row 1, names in row 2). */
export const COURIER_COLUMNS: (ImportColumn<Key> & { group: string; width: number })[] = [
  { key: 'name', name: '姓名', aliases: ['快递员姓名', '快递员', '名字'], group: '基本信息(必填)', width: 14 },
  { key: 'phone', name: '手机', aliases: ['手机号', '手机号码', '电话', '联系电话'], group: '联系信息(必填)', width: 16 },
  { key: 'carrier', name: '快递公司', aliases: ['快递', '公司'], group: '快递公司信息(必填)', width: 18 },
  { key: 'community', name: '派送小区', aliases: ['小区', '小区名称'], group: '关联信息(必填)', width: 20 },
];

const nameKey = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');

async function sheetColumns(ctx: Ctx, scope: Scope): Promise<SheetColumn[]> {
  const communities = (await listCommunities(ctx, scope)).items.map((c) => c.name);
  return COURIER_COLUMNS.map((c) => ({
    name: c.name,
    group: c.group,
    width: c.width,
    text: true,
    choices: c.key === 'carrier' ? CARRIERS.map((x) => x.name) : c.key === 'community' ? communities : undefined,
  }));
}

/** 下载标准快递员信息模版: the header rows, drop-downs of carriers and of the org's communities. */
export async function courierTemplate(ctx: Ctx, scope: Scope): Promise<SheetSpec> {
  return { fileTitle: '快递员信息模版', sheetName: '快递员信息', columns: await sheetColumns(ctx, scope), rows: [] };
}

/** 导出快递员信息: the filtered list in the template's layout, so that it imports back unchanged. */
export async function courierExport(ctx: Ctx, scope: Scope, filter: Omit<CourierListReq, 'page' | 'pageSize'>): Promise<SheetSpec> {
  const { items } = await repo.listCouriers(ctx.db, scope, filter, 1, 100_000);
  await recordExport(ctx, 'couriers', { ...filter, rows: items.length });
  return {
    fileTitle: '快递员信息',
    sheetName: '快递员信息',
    columns: await sheetColumns(ctx, scope),
    rows: items.map((c) => [c.name, c.phone, c.carrier, c.community_name]),
  };
}

/**
 * 批量导入: every row checked, the valid ones written in one transaction. 快递员电话及派送小区相同时，
 * 覆盖原有信息: a row whose phone and community match a courier overwrites it.
 */
export async function importCouriers(ctx: Ctx, scope: Scope, rows: ImportRow<Key>[]): Promise<ImportResult> {
  const communities = new Map((await listCommunities(ctx, scope)).items.map((c) => [nameKey(c.name), c]));
  const errors: ImportError[] = [];
  const seen = new Map<string, number>();
  const valid: { community_id: number; name: string; phone: string; carrier: string }[] = [];
  for (const { number: row, values } of rows) {
    const before = errors.length;
    const fail = (column: string, message: string) => errors.push({ row, column, message });
    checkCellText(values, COURIER_COLUMNS, fail);
    if (!values.name) fail('姓名', '请填写姓名');
    else if ([...values.name].length > 50) fail('姓名', '姓名不能超过50个字符');
    const phone = importedPhone(values.phone);
    if ('error' in phone) fail('手机', phone.error);
    const carrier = canonicalCarrier(values.carrier);
    if (!values.carrier) fail('快递公司', '请填写快递公司');
    else if (!carrier) fail('快递公司', `未知的快递公司：${values.carrier}`);
    const community = communities.get(nameKey(values.community));
    if (!values.community) fail('派送小区', '请填写派送小区');
    else if (!community) fail('派送小区', `小区不存在：${values.community}`);
    if (errors.length > before || !community || !carrier || 'error' in phone) continue;
    if (!firstOfKey(seen, `${community.id}|${phone.phone}`, row, '手机', '手机号和派送小区', errors)) continue;
    valid.push({ community_id: community.id, name: values.name, phone: phone.phone, carrier });
  }

  const written = await inTransaction(
    ctx,
    async (ctx) => {
      const now = nowIso(ctx);
      const written = await upsertRows(valid, {
        key: (c: { community_id: number; phone: string }) => `${c.community_id}|${c.phone}`,
        findExisting: (chunk) => repo.couriersByKeys(ctx.db, [...new Set(chunk.map((v) => v.community_id))], [...new Set(chunk.map((v) => v.phone))]),
        insert: (chunk) =>
          repo.insertCouriers(
            ctx.db,
            chunk.map((v) => ({ ...v, org_id: scope.orgId, created_at: now, updated_at: now })),
          ),
        update: (old, v) =>
          old.name !== v.name || old.carrier !== v.carrier
            ? repo.updateCourier(ctx.db, old.id, { name: v.name, carrier: v.carrier, updated_at: now })
            : undefined,
      });
      // One line for the file: what it created and updated (the rows' fields are in the file the admin holds).
      ctx.audit({ action: 'courier.import', entity: 'courier', orgId: scope.orgId, changes: { ...written, failed: new Set(errors.map((e) => e.row)).size } });
      return written;
    },
    { retryIf: (err) => isTaken(err, 'courier_phone') },
  );
  return importResult(written, errors);
}
