import type { Scope } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { isTaken } from '../../db/dialect.js';
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
import * as repo from './residents.repo.js';
import type { ResidentListReq } from './residents.schema.js';

type Key = 'name' | 'phone' | 'community' | 'building' | 'unit' | 'room';

/** The residents template: 姓名, 手机, 小区, 楼栋, 单元, 房号, grouped in row 1 like the couriers'. */
export const RESIDENT_COLUMNS: (ImportColumn<Key> & { group: string; width: number })[] = [
  { key: 'name', name: '姓名', aliases: ['住户姓名', '业主姓名', '业主', '名字'], group: '基本信息(必填)', width: 14 },
  { key: 'phone', name: '手机', aliases: ['手机号', '手机号码', '电话', '联系电话'], group: '联系信息(必填)', width: 16 },
  { key: 'community', name: '小区', aliases: ['小区名称', '所在小区'], group: '关联信息(必填)', width: 20 },
  { key: 'building', name: '楼栋', aliases: ['楼号', '栋', '楼'], group: '住址信息(必填)', width: 10 },
  { key: 'unit', name: '单元', aliases: ['单元号'], group: '住址信息(必填)', width: 10 },
  { key: 'room', name: '房号', aliases: ['房间号', '门牌号', '室'], group: '住址信息(必填)', width: 10 },
];

const nameKey = (s: string) => s.normalize('NFKC').replace(/\s+/g, '');
const homeKey = (r: { community_id: number; phone: string; building: string; unit: string; room: string }) =>
  `${r.community_id}|${r.phone}|${r.building}|${r.unit}|${r.room}`;

async function sheetColumns(ctx: Ctx, scope: Scope): Promise<SheetColumn[]> {
  const communities = (await listCommunities(ctx, scope)).items.map((c) => c.name);
  return RESIDENT_COLUMNS.map((c) => ({ name: c.name, group: c.group, width: c.width, text: true, choices: c.key === 'community' ? communities : undefined }));
}

export async function residentTemplate(ctx: Ctx, scope: Scope): Promise<SheetSpec> {
  return { fileTitle: '住户信息模版', sheetName: '住户信息', columns: await sheetColumns(ctx, scope), rows: [] };
}

export async function residentExport(ctx: Ctx, scope: Scope, filter: Omit<ResidentListReq, 'page' | 'pageSize'>): Promise<SheetSpec> {
  const { items } = await repo.listResidents(ctx.db, scope, filter, 1, 100_000);
  await recordExport(ctx, 'residents', { ...filter, rows: items.length });
  return {
    fileTitle: '住户信息',
    sheetName: '住户信息',
    columns: await sheetColumns(ctx, scope),
    rows: items.map((r) => [r.name, r.phone, r.community_name, r.building, r.unit, r.room]),
  };
}

function checkPart(values: Record<Key, string>, key: 'building' | 'unit' | 'room', label: string, fail: (c: string, m: string) => void) {
  if (!values[key]) fail(label, `请填写${label}`);
  else if ([...values[key]].length > 20) fail(label, `${label}不能超过20个字符`);
}

/** 住户批量导入: a row for the same community, phone and home overwrites that resident's name. */
export async function importResidents(ctx: Ctx, scope: Scope, rows: ImportRow<Key>[]): Promise<ImportResult> {
  const communities = new Map((await listCommunities(ctx, scope)).items.map((c) => [nameKey(c.name), c]));
  const errors: ImportError[] = [];
  const seen = new Map<string, number>();
  const valid: { community_id: number; name: string; phone: string; building: string; unit: string; room: string }[] = [];
  for (const { number: row, values } of rows) {
    const before = errors.length;
    const fail = (column: string, message: string) => errors.push({ row, column, message });
    checkCellText(values, RESIDENT_COLUMNS, fail);
    if (!values.name) fail('姓名', '请填写姓名');
    else if ([...values.name].length > 50) fail('姓名', '姓名不能超过50个字符');
    const phone = importedPhone(values.phone);
    if ('error' in phone) fail('手机', phone.error);
    const community = communities.get(nameKey(values.community));
    if (!values.community) fail('小区', '请填写小区');
    else if (!community) fail('小区', `小区不存在：${values.community}`);
    checkPart(values, 'building', '楼栋', fail);
    checkPart(values, 'unit', '单元', fail);
    checkPart(values, 'room', '房号', fail);
    if (errors.length > before || !community || 'error' in phone) continue;
    const r = { community_id: community.id, name: values.name, phone: phone.phone, building: values.building, unit: values.unit, room: values.room };
    if (!firstOfKey(seen, homeKey(r), row, '手机', '小区、手机号和住址', errors)) continue;
    valid.push(r);
  }

  const written = await inTransaction(
    ctx,
    async (ctx) => {
      const now = nowIso(ctx);
      const written = await upsertRows(valid, {
        key: homeKey,
        findExisting: (chunk) => repo.residentsByPhones(ctx.db, [...new Set(chunk.map((v) => v.community_id))], [...new Set(chunk.map((v) => v.phone))]),
        insert: (chunk) =>
          repo.insertResidents(
            ctx.db,
            chunk.map((v) => ({ ...v, org_id: scope.orgId, created_at: now, updated_at: now })),
          ),
        update: (old, v) => (old.name !== v.name ? repo.updateResident(ctx.db, old.id, { name: v.name, updated_at: now }) : undefined),
      });
      // One line for the file: what it created and updated (the rows' fields are in the file the admin holds).
      ctx.audit({ action: 'resident.import', entity: 'resident', orgId: scope.orgId, changes: { ...written, failed: new Set(errors.map((e) => e.row)).size } });
      return written;
    },
    { retryIf: (err) => isTaken(err, 'resident_home') },
  );
  return importResult(written, errors);
}
