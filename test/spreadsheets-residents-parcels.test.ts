import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ApiError, Parcel, Resident } from './support/api.js';
import { useTestApp } from './support/app.js';
import { Client, createClerk, createCommunity, createWorld, enterParcel, expectStatus, randomMobile, staffLogin, uniq } from './support/factories.js';
import {
  download,
  fixture,
  HUARUN,
  LANLAN,
  loadXlsx,
  orgWithFixtureCommunities,
  readCsv,
  residentRows,
  sheetRows,
  upload,
  utf8FileName,
} from './support/spreadsheets.js';

// 住户 批量导入 / 导出 (SPEC §11: "imported from csv/xlsx like couriers") and the front desk's
// parcel export (SPEC §7 更多操作 → export of the list), through HTTP.

const t = useTestApp();

const NAMES = ['姓名', '手机', '小区', '楼栋', '单元', '房号'];
const DAY = '20260108';

async function residentValues(orgId: number) {
  return (await residentRows(t.database, orgId)).map((r) => ({
    community: r.community,
    name: r.name,
    phone: r.phone,
    home: `${r.building}/${r.unit}/${r.room}`,
  }));
}

/** What residents.xlsx / residents.xls (from source/residents.csv) import as in a fresh org. */
const RESIDENT_ERRORS = [
  { row: 5, column: '手机', message: '与第2行重复（小区、手机号和住址相同）' },
  { row: 6, column: '小区', message: '小区不存在：不存在小区' },
  { row: 7, column: '房号', message: '请填写房号' },
];
const FIXTURE_RESIDENTS = [
  { community: HUARUN, name: '王小明', phone: '13800000001', home: '1/1/101' },
  { community: HUARUN, name: '李红', phone: '13800000001', home: '1/1/102' },
  { community: LANLAN, name: '张伟', phone: '13800000003', home: '2/3/301' },
];

describe('residents: template', () => {
  it('xlsx: a group row, then 姓名 手机 小区 楼栋 单元 房号; phones formatted as text; csv with a BOM', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const x = await download(o.admin, '/api/residents/template?format=xlsx');
    expect(x.status).toBe(200);
    expect(utf8FileName(x.headers['content-disposition'])).toMatch(/^住户信息.*\.xlsx$/);
    const ws = (await loadXlsx(x.body)).worksheets[0] as ExcelJS.Worksheet;
    const rows = sheetRows(ws);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveLength(6);
    for (const group of rows[0] ?? []) expect(group).toMatch(/\(必填\)$/);
    expect(rows[1]).toEqual(NAMES);
    expect(ws.getColumn(2).numFmt).toBe('@');

    const c = await download(o.admin, '/api/residents/template?format=csv');
    expect(c.status).toBe(200);
    const csv = readCsv(c.body);
    expect(csv.bom).toBe(true);
    expect(csv.rows.at(-1)).toEqual(NAMES);
  });
});

describe('residents: import', () => {
  it.each(['residents.xlsx', 'residents.xls'])('%s (LibreOffice): numbers as text, +86, duplicates, unknown community, missing room', async (file) => {
    const o = await orgWithFixtureCommunities(t.app);
    expect(expectStatus(await upload(o.admin, '/api/residents/import', fixture(file), file), 200)).toEqual({
      created: 3,
      updated: 0,
      failed: 3,
      errors: RESIDENT_ERRORS,
    });
    expect(await residentValues(o.org.id)).toEqual(FIXTURE_RESIDENTS);
    // Same community, phone and home: overwritten, not added.
    const before = await residentRows(t.database, o.org.id);
    t.clock.advance(60_000);
    expect(expectStatus(await upload(o.admin, '/api/residents/import', fixture(file), file), 200)).toEqual({
      created: 0,
      updated: 3,
      failed: 3,
      errors: RESIDENT_ERRORS,
    });
    expect(await residentRows(t.database, o.org.id)).toEqual(before);
  });

  it('a new name for the same community, phone and home overwrites the resident; another home is another record', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    expectStatus(await upload(o.admin, '/api/residents/import', fixture('residents.xlsx'), 'r.xlsx'), 200);
    const before = await residentRows(t.database, o.org.id);
    t.clock.advance(60_000);
    const csv = Buffer.from(`姓名,手机,小区,楼栋,单元,房号\n王大明,13800000001,${HUARUN},1,1,101\n王小明,13800000001,${HUARUN},9,9,909\n`);
    expect(expectStatus(await upload(o.admin, '/api/residents/import', csv, 'r.csv'), 200)).toEqual({ created: 1, updated: 1, failed: 0, errors: [] });
    const after = await residentRows(t.database, o.org.id);
    const old = before.find((r) => r.room === '101');
    expect(after.find((r) => r.id === old?.id)).toMatchObject({ name: '王大明', updated_at: t.clock.now().toISOString() });
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ name: '王小明', building: '9', unit: '9', room: '909' });
  });

  it('missing columns are named; a PNG is not a spreadsheet; nothing changes', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const missing = await upload(o.admin, '/api/residents/import', Buffer.from('姓名,手机\n张三,13800000001\n'), 'r.csv');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'missing_columns', message: '表格缺少必填列：小区、楼栋、单元、房号（请使用标准模版）' });
    const png = await upload<ApiError>(o.admin, '/api/residents/import', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'r.xlsx');
    expect(png.status).toBe(400);
    expect(png.body.error).toBe('invalid_file');
    const encrypted = await upload<ApiError>(o.admin, '/api/residents/import', fixture('encrypted.xlsx'), 'r.xlsx');
    expect(encrypted.body.error).toBe('encrypted_file');
    expect(await residentRows(t.database, o.org.id)).toEqual([]);
  });
});

describe('residents: export', () => {
  async function orgWithResidents() {
    const o = await orgWithFixtureCommunities(t.app);
    const add = async (communityId: number, name: string, building: string, room: string) =>
      expectStatus(await o.admin.post<Resident>('/api/residents', { communityId, name, phone: randomMobile(), building, unit: '1', room }), 201);
    await add(o.huarun.id, '王小明', '1', '101');
    await add(o.huarun.id, '=1+2', '2', '201');
    await add(o.lanlan.id, '@home', '3', '301');
    await add(o.lanlan.id, '-李', 'A座', '0501');
    return o;
  }

  it.each(['xlsx', 'csv'] as const)('%s: the template layout, neutralised formulas; importing it back changes nothing', async (format) => {
    const o = await orgWithResidents();
    const r = await download(o.admin, `/api/residents/export?format=${format}`);
    expect(r.status).toBe(200);
    expect(utf8FileName(r.headers['content-disposition'])).toBe(`住户信息_${DAY}.${format}`);
    let rows: string[][];
    if (format === 'csv') {
      const csv = readCsv(r.body);
      expect(csv.bom).toBe(true);
      rows = csv.rows;
    } else {
      const ws = (await loadXlsx(r.body)).worksheets[0] as ExcelJS.Worksheet;
      rows = sheetRows(ws);
      for (let n = 3; n <= rows.length; n++) for (let c = 1; c <= 6; c++) expect(ws.getRow(n).getCell(c).type).toBe(ExcelJS.ValueType.String);
    }
    expect(rows[1]).toEqual(NAMES);
    const before = await residentRows(t.database, o.org.id);
    expect(rows.slice(2)).toEqual(before.map((x) => [/^[=+\-@]/.test(x.name) ? `'${x.name}` : x.name, x.phone, x.community, x.building, x.unit, x.room]));
    expect(rows.slice(2).map((row) => row[5])).toContain('0501'); // a leading zero survives
    t.clock.advance(60_000);
    expect(expectStatus(await upload(o.admin, '/api/residents/import', r.body, `export.${format}`), 200)).toEqual({
      created: 0,
      updated: 4,
      failed: 0,
      errors: [],
    });
    expect(await residentRows(t.database, o.org.id)).toEqual(before);
  });

  it('applies filters, and a clerk exports and imports only the clerk’s communities', async () => {
    const o = await orgWithResidents();
    const names = async (client: Client, query: string) =>
      readCsv((await download(client, `/api/residents/export?format=csv&${query}`)).body)
        .rows.slice(2)
        .map((row) => row[0]);
    expect(await names(o.admin, `communityId=${o.lanlan.id}`)).toEqual(["'@home", "'-李"]);
    expect(await names(o.admin, `q=${encodeURIComponent('王')}`)).toEqual(['王小明']);
    expect(await names(o.admin, `building=${encodeURIComponent('A座')}`)).toEqual(["'-李"]);

    const clerk = await createClerk(t.app, o.admin, [o.lanlan.id]);
    expect(await names(clerk.client, '')).toEqual(["'@home", "'-李"]);
    const csv = Buffer.from(`姓名,手机,小区,楼栋,单元,房号\n甲,13800000011,${LANLAN},5,1,101\n乙,13800000012,${HUARUN},5,1,101\n`);
    expect(expectStatus(await upload(clerk.client, '/api/residents/import', csv, 'c.csv'), 200)).toEqual({
      created: 1,
      updated: 0,
      failed: 1,
      errors: [{ row: 3, column: '小区', message: `小区不存在：${HUARUN}` }],
    });
    expect((await residentValues(o.org.id)).filter((r) => r.home === '5/1/101')).toEqual([
      { community: LANLAN, name: '甲', phone: '13800000011', home: '5/1/101' },
    ]);
  });
});

describe('parcel export', () => {
  const COLUMNS = ['快递公司', '快递单号', '派件员', '派件员电话', '收件人', '收件人电话', '住址', '录入时间', '保管费', '状态'];

  /** The export's rows as objects keyed by the header names (the last header row). */
  function byHeader(rows: string[][]): Record<string, string>[] {
    const at = rows.findIndex((r) => r.includes('快递单号'));
    const header = rows[at] ?? [];
    return rows.slice(at + 1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  }

  async function world() {
    t.clock.set('2026-01-08T07:30:00.000Z'); // 01-08 15:30 in Shanghai
    const w = await createWorld(t.app);
    const received = expectStatus(
      await enterParcel(w.courier, {
        communityId: w.community.id,
        trackingNo: uniq('SF').toUpperCase(),
        recipientPhone: w.residentPhone,
        recipientName: '王小明',
      }),
      201,
    );
    const picked = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${received.id}/receive`, {}), 200);
    const strangerPhone = randomMobile();
    const rejected = expectStatus(
      await enterParcel(w.courier, {
        communityId: w.community.id,
        trackingNo: uniq('ZT').toUpperCase(),
        recipientPhone: strangerPhone,
        recipientName: '=HYPERLINK("http://x")',
      }),
      201,
    );
    expectStatus(await w.admin.post(`/api/parcels/${rejected.id}/reject`, { reason: '+地址不详' }), 200);
    return { ...w, received, pickupCode: picked.pickupCode as string, rejected, strangerPhone };
  }

  it('csv: the front-desk columns, fees as of now, Chinese labels, neutralised formulas, Chinese file name', async () => {
    const w = await world();
    t.clock.advance(2 * 86_400_000 + 60_000);
    const admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123'); // the idle session expired
    const r = await download(admin, '/api/parcels/export?format=csv');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(utf8FileName(r.headers['content-disposition'])).toBe('快递记录_20260110.csv');
    const csv = readCsv(r.body);
    expect(csv.bom).toBe(true);
    const header = csv.rows.find((row) => row.includes('快递单号')) ?? [];
    // The front-desk list's columns, in its order.
    const positions = COLUMNS.map((c) => header.indexOf(c));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const rows = byHeader(csv.rows);
    expect(rows).toHaveLength(2);
    const received = rows.find((row) => row['快递单号'] === w.received.trackingNo);
    expect(received).toMatchObject({
      快递公司: '百世',
      派件员: w.courierName,
      派件员电话: w.courierPhone,
      收件人: '王小明',
      收件人电话: w.residentPhone,
      住址: '1/1/101',
      保管费: '¥4.00',
      状态: '待领取',
    });
    expect(received?.['录入时间']).toContain('01-08 15:30');
    const rejected = rows.find((row) => row['快递单号'] === w.rejected.trackingNo);
    expect(rejected).toMatchObject({ 收件人: '\'=HYPERLINK("http://x")', 收件人电话: w.strangerPhone, 住址: '', 保管费: '¥0.00', 状态: '已拒收' });
    expect(Object.values(rejected ?? {})).toContain("'+地址不详");
  });

  it('xlsx: string cells, and the list’s filters apply', async () => {
    const w = await world();
    const r = await download(w.admin, '/api/parcels/export?format=xlsx');
    expect(r.status).toBe(200);
    expect(utf8FileName(r.headers['content-disposition'])).toBe(`快递记录_${DAY}.xlsx`);
    const ws = (await loadXlsx(r.body)).worksheets[0] as ExcelJS.Worksheet;
    const rows = sheetRows(ws);
    const headerAt = rows.findIndex((row) => row.includes('快递单号'));
    for (let n = headerAt + 2; n <= rows.length; n++) {
      ws.getRow(n).eachCell((cell) => expect(cell.type).toBe(ExcelJS.ValueType.String));
    }
    expect(
      byHeader(rows)
        .map((row) => row['状态'])
        .sort(),
    ).toEqual(['已拒收', '待领取']);

    const tracking = async (query: string) =>
      byHeader(readCsv((await download(w.admin, `/api/parcels/export?format=csv&${query}`)).body).rows).map((row) => row['快递单号']);
    expect(await tracking('status=rejected')).toEqual([w.rejected.trackingNo]);
    expect(await tracking(`q=${w.pickupCode}`)).toEqual([w.received.trackingNo]);
    expect(await tracking(`q=${w.strangerPhone.slice(3, 9)}`)).toEqual([w.rejected.trackingNo]);
    expect(await tracking(`courierId=${w.courierRecord.id}&status=awaiting_pickup`)).toEqual([w.received.trackingNo]);
    expect(await tracking('from=2026-01-09')).toEqual([]);
    expect((await download(w.admin, '/api/parcels/export?format=csv&status=lost')).status).toBe(400);
  });

  it('a clerk exports only the clerk’s communities; another org sees none of it', async () => {
    const w = await world();
    const other = await createCommunity(w.admin);
    const clerk = await createClerk(t.app, w.admin, [other.id]);
    const rows = byHeader(readCsv((await download(clerk.client, '/api/parcels/export?format=csv')).body).rows);
    expect(rows).toEqual([]);
    const stranger = await createWorld(t.app);
    expect(byHeader(readCsv((await download(stranger.admin, '/api/parcels/export?format=csv')).body).rows)).toEqual([]);
    expect((await download(new Client(t.app), '/api/parcels/export')).status).toBe(401);
  });
});
