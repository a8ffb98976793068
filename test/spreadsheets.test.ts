import { sql } from 'kysely';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ApiError, Courier } from './support/api.js';
import { dbKind, useTestApp } from './support/app.js';
import { Client, createClerk, createCommunity, expectStatus, randomMobile } from './support/factories.js';
import {
  courierRows,
  courierValues,
  download,
  fixture,
  HUARUN,
  LANLAN,
  loadXlsx,
  makeXlsx,
  orgWithFixtureCommunities,
  readCsv,
  sheetRows,
  upload,
  utf8FileName,
} from './support/spreadsheets.js';

// 快递员 批量导入 / 导出 (SPEC §4, issue 3) through HTTP, with files saved by LibreOffice (see
// test/fixtures/spreadsheets/README.md) and files made here.

const t = useTestApp();

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const GROUPS = ['基本信息(必填)', '联系信息(必填)', '快递公司信息(必填)', '关联信息(必填)'];
const NAMES = ['姓名', '手机', '快递公司', '派送小区'];
/** The clock's day in Shanghai (TestClock starts on 2026-01-08 07:30Z). */
const DAY = '20260108';

const importCouriers = <T = unknown>(o: { admin: Parameters<typeof upload>[0] }, file: Buffer, name: string) =>
  upload<T>(o.admin, '/api/couriers/import', file, name);

/** What couriers.xlsx / couriers.xls (same rows, from source/couriers.csv) import as in a fresh org. */
const STANDARD_ERRORS = [
  { row: 7, column: '快递公司', message: '未知的快递公司：不存在快递' },
  { row: 8, column: '派送小区', message: '小区不存在：不存在小区' },
  { row: 9, column: '手机', message: '与第3行重复（手机号和派送小区相同）' },
  { row: 11, column: '姓名', message: '请填写姓名' },
  { row: 11, column: '手机', message: '手机号格式不正确' },
];
const STANDARD_COURIERS = [
  { community: HUARUN, name: '张三', phone: '13912340001', carrier: '顺丰速运' },
  { community: HUARUN, name: '李四', phone: '13912340002', carrier: '百世' },
  { community: LANLAN, name: '王五', phone: '13912340003', carrier: '中通快递' },
  { community: LANLAN, name: '孙八', phone: '13912340001', carrier: '申通快递' },
];

describe('template', () => {
  it('xlsx: groups in row 1, names in row 2, phone column formatted as text, drop-downs of carriers and communities', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const r = await download(o.admin, '/api/couriers/template?format=xlsx');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(XLSX_TYPE);
    expect(utf8FileName(r.headers['content-disposition'])).toBe(`快递员信息模版_${DAY}.xlsx`);
    expect(String(r.headers['content-disposition'])).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    const wb = await loadXlsx(r.body);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect(ws.name).toBe('快递员信息');
    expect(sheetRows(ws)).toEqual([GROUPS, NAMES]);
    // Phones typed into the template stay text (Excel's "@" format), so no digits are lost.
    expect(ws.getColumn(2).numFmt).toBe('@');
    const options = wb.getWorksheet('选项');
    expect(options?.state).toBe('hidden');
    const choices = options ? sheetRows(options).flat() : [];
    expect(choices).toEqual(expect.arrayContaining(['顺丰速运', '中通快递', '百世', HUARUN, LANLAN]));
    // The template itself has no data: importing it back says so.
    const back = await importCouriers<ApiError>(o, r.body, 'template.xlsx');
    expect(back.status).toBe(400);
    expect(back.body.error).toBe('empty_file');
  });

  it('csv: UTF-8 with a BOM, groups then names', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const r = await download(o.admin, '/api/couriers/template?format=csv');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(utf8FileName(r.headers['content-disposition'])).toBe(`快递员信息模版_${DAY}.csv`);
    expect([...r.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(readCsv(r.body).rows).toEqual([GROUPS, NAMES]);
  });

  it('a clerk’s template offers only the clerk’s communities; bad formats and strangers are refused', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const clerk = await createClerk(t.app, o.admin, [o.lanlan.id]);
    const wb = await loadXlsx((await download(clerk.client, '/api/couriers/template')).body);
    const choices = sheetRows(wb.getWorksheet('选项') as ExcelJS.Worksheet).flat();
    expect(choices).toContain(LANLAN);
    expect(choices).not.toContain(HUARUN);
    expect((await download(o.admin, '/api/couriers/template?format=pdf')).status).toBe(400);
    expect((await download(new Client(t.app), '/api/couriers/template')).status).toBe(401);
  });
});

describe('import of real files', () => {
  it.each(['couriers.xlsx', 'couriers.xls'])(
    '%s (LibreOffice): aliases, number, +86 and full-width phones, blank row, every error by row and column',
    async (file) => {
      const o = await orgWithFixtureCommunities(t.app);
      const first = expectStatus(await importCouriers(o, fixture(file), file), 200);
      expect(first).toEqual({ created: 4, updated: 0, failed: 4, errors: STANDARD_ERRORS });
      expect(await courierValues(t.database, o.org.id)).toEqual(STANDARD_COURIERS);
      // 快递员电话及派送小区相同时，覆盖原有信息: the same file again updates the same four records.
      const before = await courierRows(t.database, o.org.id);
      t.clock.advance(60_000);
      const second = expectStatus(await importCouriers(o, fixture(file), file), 200);
      expect(second).toEqual({ created: 0, updated: 4, failed: 4, errors: STANDARD_ERRORS });
      // Nothing differed, so nothing was written (not even updated_at).
      expect(await courierRows(t.database, o.org.id)).toEqual(before);
    },
  );

  it.each(['couriers-shuffled.xlsx', 'couriers-shuffled.xls'])('%s: names row only, columns in another order, an extra 备注 column', async (file) => {
    const o = await orgWithFixtureCommunities(t.app);
    expect(expectStatus(await importCouriers(o, fixture(file), file), 200)).toEqual({ created: 3, updated: 0, failed: 0, errors: [] });
    expect(await courierValues(t.database, o.org.id)).toEqual([
      { community: HUARUN, name: '张三', phone: '13912340001', carrier: '顺丰速运' },
      { community: LANLAN, name: '周九', phone: '13912340007', carrier: 'EMS' },
      { community: HUARUN, name: '吴十', phone: '13912340008', carrier: '极兔速递' },
    ]);
  });

  it('overwrites by phone + community across files: couriers.xlsx, then couriers-shuffled.xls', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    expectStatus(await importCouriers(o, fixture('couriers.xlsx'), 'a.xlsx'), 200);
    const zhang = (await courierRows(t.database, o.org.id)).find((c) => c.name === '张三');
    expect(expectStatus(await importCouriers(o, fixture('couriers-shuffled.xls'), 'b.xls'), 200)).toEqual({ created: 2, updated: 1, failed: 0, errors: [] });
    const after = await courierRows(t.database, o.org.id);
    expect(after).toHaveLength(6);
    expect(after.find((c) => c.id === zhang?.id)).toMatchObject({ name: '张三', phone: '13912340001', carrier: '顺丰速运', community: HUARUN });
  });

  it('a changed name and carrier overwrite the record of that phone and community, keeping its id', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    expectStatus(await importCouriers(o, fixture('couriers.xlsx'), 'a.xlsx'), 200);
    const before = await courierRows(t.database, o.org.id);
    t.clock.advance(60_000);
    const csv = Buffer.from(`姓名,手机,快递公司,派送小区\n张三改,13912340001,圆通,${HUARUN}\n`);
    expect(expectStatus(await importCouriers(o, csv, 'change.csv'), 200)).toEqual({ created: 0, updated: 1, failed: 0, errors: [] });
    const after = await courierRows(t.database, o.org.id);
    const old = before.find((c) => c.name === '张三');
    expect(after.find((c) => c.id === old?.id)).toMatchObject({ name: '张三改', carrier: '圆通速递', updated_at: t.clock.now().toISOString() });
    // The same phone in the other community is another record, untouched.
    expect(after.filter((c) => c.id !== old?.id)).toEqual(before.filter((c) => c.id !== old?.id));
  });

  it('GBK csv as Chinese Excel saves it: scientific notation with all digits is read, one that lost digits is refused', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const file = fixture('couriers-gbk.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(file)).toThrow();
    expect(expectStatus(await importCouriers(o, file, 'gbk.csv'), 200)).toEqual({
      created: 2,
      updated: 0,
      failed: 1,
      errors: [{ row: 4, column: '手机', message: '手机号显示为科学计数法，后几位已丢失，请将该列设为文本后重新填写' }],
    });
    expect(await courierValues(t.database, o.org.id)).toEqual([
      { community: HUARUN, name: '欧阳娜娜', phone: '13912340011', carrier: '顺丰速运' },
      { community: LANLAN, name: '诸葛亮', phone: '13912340013', carrier: '百世' },
    ]);
  });

  it('UTF-8 csv with a BOM (CRLF, a quoted comma) and without one (full-width digits)', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    expect(expectStatus(await importCouriers(o, fixture('couriers-utf8-bom.csv'), 'bom.csv'), 200)).toEqual({ created: 2, updated: 0, failed: 0, errors: [] });
    expect(expectStatus(await importCouriers(o, fixture('couriers-utf8.csv'), 'plain.csv'), 200)).toEqual({ created: 2, updated: 0, failed: 0, errors: [] });
    expect(await courierValues(t.database, o.org.id)).toEqual([
      { community: HUARUN, name: '林, 小雨', phone: '13912340021', carrier: '京东快递' },
      { community: LANLAN, name: '黄蓉', phone: '13912340022', carrier: '德邦快递' },
      { community: LANLAN, name: '陈一', phone: '13912340031', carrier: '韵达快递' },
      { community: LANLAN, name: '陈二', phone: '13912340032', carrier: '申通快递' },
    ]);
  });

  it('xlsx made by exceljs: a rich-text name reads as its text, a phone number cell as its digits, header aliases', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const file = await makeXlsx([
      ['快递员姓名', '手机号码', '快递', '小区名称'],
      [{ richText: [{ text: '李', font: { bold: true } }, { text: '宜君' }] }, 13912340041, ' 顺丰 ', LANLAN],
      ['周 五', '1.3912340042E+10', 'ZTO', ` ${HUARUN} `],
    ]);
    expect(expectStatus(await importCouriers(o, file, 'rich.xlsx'), 200)).toEqual({ created: 2, updated: 0, failed: 0, errors: [] });
    expect(await courierValues(t.database, o.org.id)).toEqual([
      { community: LANLAN, name: '李宜君', phone: '13912340041', carrier: '顺丰速运' },
      { community: HUARUN, name: '周 五', phone: '13912340042', carrier: '中通快递' },
    ]);
  });

  it('a file whose every row is invalid changes nothing', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    expectStatus(await o.admin.post('/api/couriers', { communityId: o.huarun.id, name: '原有', phone: '13912340051', carrier: '百世' }), 201);
    const before = await courierRows(t.database, o.org.id);
    const csv = Buffer.from(`姓名,手机,快递公司,派送小区\n新名字,13912340051,火星快递,${HUARUN}\n,13912340052,顺丰,${HUARUN}\n某人,139123,顺丰,${HUARUN}\n`);
    expect(expectStatus(await importCouriers(o, csv, 'bad.csv'), 200)).toEqual({
      created: 0,
      updated: 0,
      failed: 3,
      errors: [
        { row: 2, column: '快递公司', message: '未知的快递公司：火星快递' },
        { row: 3, column: '姓名', message: '请填写姓名' },
        { row: 4, column: '手机', message: '手机号格式不正确' },
      ],
    });
    expect(await courierRows(t.database, o.org.id)).toEqual(before);
  });

  it('valid rows are written all or nothing: a failure in the middle leaves no row written and no record changed', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    expectStatus(await o.admin.post('/api/couriers', { communityId: o.huarun.id, name: '原有', phone: '13912340061', carrier: '百世' }), 201);
    const before = await courierRows(t.database, o.org.id);
    // The database refuses one row: the update and the inserts before and after it must all roll back.
    if (dbKind === 'postgres') {
      await sql`CREATE FUNCTION kd_refuse_courier() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql`.execute(t.database.db);
      await sql`CREATE TRIGGER kd_refuse BEFORE INSERT ON couriers FOR EACH ROW WHEN (NEW.name = '拒绝我') EXECUTE FUNCTION kd_refuse_courier()`.execute(
        t.database.db,
      );
    } else {
      await sql`CREATE TRIGGER kd_refuse BEFORE INSERT ON couriers WHEN NEW.name = '拒绝我' BEGIN SELECT RAISE(ABORT, 'refused'); END`.execute(t.database.db);
    }
    try {
      const csv = Buffer.from(
        `姓名,手机,快递公司,派送小区\n改名,13912340061,顺丰,${HUARUN}\n甲,13912340062,顺丰,${HUARUN}\n拒绝我,13912340063,顺丰,${HUARUN}\n乙,13912340064,顺丰,${LANLAN}\n`,
      );
      const r = await importCouriers(o, csv, 'half.csv');
      expect(r.status).toBe(500);
      expect(await courierRows(t.database, o.org.id)).toEqual(before);
    } finally {
      await sql`DROP TRIGGER kd_refuse ${sql.raw(dbKind === 'postgres' ? 'ON couriers' : '')}`.execute(t.database.db);
      if (dbKind === 'postgres') await sql`DROP FUNCTION kd_refuse_courier()`.execute(t.database.db);
    }
  });

  it('a community of another org is unknown here', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const other = await orgWithFixtureCommunities(t.app);
    const elsewhere = await createCommunity(other.admin);
    const csv = Buffer.from(`姓名,手机,快递公司,派送小区\n甲,13912340071,顺丰,${elsewhere.name}\n`);
    expect(expectStatus(await importCouriers(o, csv, 'x.csv'), 200)).toEqual({
      created: 0,
      updated: 0,
      failed: 1,
      errors: [{ row: 2, column: '派送小区', message: `小区不存在：${elsewhere.name}` }],
    });
    expect(await courierRows(t.database, other.org.id)).toEqual([]);
  });
});

describe('export', () => {
  /** An org with couriers whose names a spreadsheet program would take for formulas. */
  async function orgWithCouriers() {
    const o = await orgWithFixtureCommunities(t.app);
    const add = async (communityId: number, name: string, carrier: string, phone = randomMobile()) =>
      expectStatus(await o.admin.post<Courier>('/api/couriers', { communityId, name, phone, carrier }), 201);
    const couriers = [
      await add(o.huarun.id, '张三', '顺丰速运'),
      await add(o.huarun.id, '=HYPERLINK("http://evil.example","点我")', '中通快递'),
      await add(o.huarun.id, '+1', '百世'),
      await add(o.lanlan.id, '-2+3', '顺丰速运'),
      await add(o.lanlan.id, '@SUM(A1)', 'EMS'),
      await add(o.lanlan.id, "'已带引号", '京东快递'),
    ];
    return { ...o, couriers };
  }

  it('xlsx: the template layout, every cell a string, formulas neutralised; importing it back changes nothing', async () => {
    const o = await orgWithCouriers();
    const r = await download(o.admin, '/api/couriers/export?format=xlsx');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(XLSX_TYPE);
    expect(utf8FileName(r.headers['content-disposition'])).toBe(`快递员信息_${DAY}.xlsx`);
    const wb = await loadXlsx(r.body);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    const rows = sheetRows(ws);
    expect(rows.slice(0, 2)).toEqual([GROUPS, NAMES]);
    const before = await courierRows(t.database, o.org.id);
    expect(rows.slice(2)).toEqual(before.map((c) => [/^[=+\-@]/.test(c.name) ? `'${c.name}` : c.name, c.phone, c.carrier, c.community]));
    for (let n = 3; n <= rows.length; n++) {
      for (let c = 1; c <= 4; c++) expect(ws.getRow(n).getCell(c).type).toBe(ExcelJS.ValueType.String);
    }
    expect(ws.getRow(4).getCell(1).value).toBe('\'=HYPERLINK("http://evil.example","点我")');
    expect(ws.getColumn(2).numFmt).toBe('@');

    t.clock.advance(60_000);
    expect(expectStatus(await importCouriers(o, r.body, 'export.xlsx'), 200)).toEqual({ created: 0, updated: 6, failed: 0, errors: [] });
    expect(await courierRows(t.database, o.org.id)).toEqual(before);
  });

  it('csv: UTF-8 with a BOM, formulas neutralised with an apostrophe; importing it back changes nothing', async () => {
    const o = await orgWithCouriers();
    const r = await download(o.admin, '/api/couriers/export?format=csv');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(utf8FileName(r.headers['content-disposition'])).toBe(`快递员信息_${DAY}.csv`);
    const { bom, rows } = readCsv(r.body);
    expect(bom).toBe(true);
    expect(rows.slice(0, 2)).toEqual([GROUPS, NAMES]);
    const names = rows.slice(2).map((row) => row[0]);
    expect(names).toEqual(['张三', '\'=HYPERLINK("http://evil.example","点我")', "'+1", "'-2+3", "'@SUM(A1)", "'已带引号"]);
    const before = await courierRows(t.database, o.org.id);
    t.clock.advance(60_000);
    expect(expectStatus(await importCouriers(o, r.body, 'export.csv'), 200)).toEqual({ created: 0, updated: 6, failed: 0, errors: [] });
    expect(await courierRows(t.database, o.org.id)).toEqual(before);
  });

  it('a round trip of imported fixtures into a fresh org reproduces them', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    expectStatus(await importCouriers(o, fixture('couriers.xls'), 'a.xls'), 200);
    expectStatus(await importCouriers(o, fixture('couriers-gbk.csv'), 'b.csv'), 200);
    const file = (await download(o.admin, '/api/couriers/export?format=xlsx')).body;
    const fresh = await orgWithFixtureCommunities(t.app);
    expect(expectStatus(await importCouriers(fresh, file, 'export.xlsx'), 200)).toEqual({ created: 6, updated: 0, failed: 0, errors: [] });
    // The export lists by community, so compare as sets.
    const key = (c: { community: string; phone: string }) => `${c.community}|${c.phone}`;
    const sorted = async (orgId: number) => (await courierValues(t.database, orgId)).sort((a, b) => key(a).localeCompare(key(b)));
    expect(await sorted(fresh.org.id)).toEqual(await sorted(o.org.id));
  });

  it('applies the list’s filters: q (phone or name), communityId, carrier', async () => {
    const o = await orgWithCouriers();
    const names = async (query: string) => {
      const r = await download(o.admin, `/api/couriers/export?format=csv&${query}`);
      expect(r.status).toBe(200);
      return readCsv(r.body)
        .rows.slice(2)
        .map((row) => row[0]);
    };
    expect(await names(`communityId=${o.lanlan.id}`)).toEqual(["'-2+3", "'@SUM(A1)", "'已带引号"]);
    expect(await names(`carrier=${encodeURIComponent('顺丰速运')}`)).toEqual(['张三', "'-2+3"]);
    expect(await names(`q=${encodeURIComponent('张')}`)).toEqual(['张三']);
    expect(await names(`q=${o.couriers[2]?.phone.slice(2, 9)}`)).toEqual(["'+1"]);
    expect(await names(`communityId=${o.huarun.id}&carrier=EMS`)).toEqual([]);
    expect((await download(o.admin, '/api/couriers/export?format=csv&carrier=unknown')).status).toBe(400);
  });

  it('a clerk exports and imports only the clerk’s communities', async () => {
    const o = await orgWithCouriers();
    const clerk = await createClerk(t.app, o.admin, [o.lanlan.id]);
    const r = await download(clerk.client, '/api/couriers/export?format=csv');
    expect(r.status).toBe(200);
    expect(
      readCsv(r.body)
        .rows.slice(2)
        .map((row) => row[3]),
    ).toEqual([LANLAN, LANLAN, LANLAN]);
    // Asking for another community's couriers gives none of them.
    expect(readCsv((await download(clerk.client, `/api/couriers/export?format=csv&communityId=${o.huarun.id}`)).body).rows.slice(2)).toEqual([]);

    const before = await courierRows(t.database, o.org.id);
    const csv = Buffer.from(`姓名,手机,快递公司,派送小区\n甲,13912340081,顺丰,${LANLAN}\n乙,13912340082,顺丰,${HUARUN}\n`);
    expect(expectStatus(await upload(clerk.client, '/api/couriers/import', csv, 'c.csv'), 200)).toEqual({
      created: 1,
      updated: 0,
      failed: 1,
      errors: [{ row: 3, column: '派送小区', message: `小区不存在：${HUARUN}` }],
    });
    const after = await courierRows(t.database, o.org.id);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toMatchObject([{ community: LANLAN, name: '甲', phone: '13912340081' }]);
  });

  it('needs a signed-in staff member', async () => {
    const o = await orgWithFixtureCommunities(t.app);
    const anon = new Client(t.app);
    expect((await download(anon, '/api/couriers/export')).status).toBe(401);
    expect((await upload(anon, '/api/couriers/import', fixture('couriers-utf8.csv'), 'x.csv')).status).toBe(401);
    expect(await courierRows(t.database, o.org.id)).toEqual([]);
  });
});
