import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import type { ApiError } from './support/api.js';
import { useTestApp } from './support/app.js';
import { expectStatus } from './support/factories.js';
import {
  courierCsv,
  courierRows,
  courierXlsx,
  fixture,
  giantCellXlsx,
  HUARUN,
  makeXlsx,
  makeZip,
  manyEntriesZip,
  orgWithFixtureCommunities,
  sharedStringsXlsx,
  upload,
  wideCsv,
  zipBomb,
} from './support/spreadsheets.js';

// Hostile and broken files (issue 3): a clear 400 and no change to the database.

const t = useTestApp();

/** An org with one courier already there; `refused` uploads a file and checks the 400 changed nothing. */
async function setup() {
  const o = await orgWithFixtureCommunities(t.app);
  expectStatus(await o.admin.post('/api/couriers', { communityId: o.huarun.id, name: '原有', phone: '13912349999', carrier: '百世' }), 201);
  const before = await courierRows(t.database, o.org.id);
  return {
    ...o,
    async refused(file: Buffer, name: string, error: string) {
      const r = await upload<ApiError>(o.admin, '/api/couriers/import', file, name);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error).toBe(error);
      expect(r.body.message).toMatch(/[\u4e00-\u9fff]/);
      expect(await courierRows(t.database, o.org.id)).toEqual(before);
      return r.body;
    },
  };
}

/** The first bytes of a real PNG: signature and IHDR chunk. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
  Buffer.from('0000000a49444154789c6300010000050001', 'hex'),
]);

describe('not a spreadsheet', () => {
  it('a PNG renamed .xlsx is recognised by its content', async () => {
    const o = await setup();
    const body = await o.refused(PNG, 'photo.xlsx', 'invalid_file');
    expect(body.message).toBe('文件无法读取，请上传 csv、xls 或 xlsx 格式的表格');
  });

  it('a zip that is not a workbook, a truncated xlsx, a compound file that is not a workbook', async () => {
    const o = await setup();
    await o.refused(makeZip([{ name: 'hello.txt', data: Buffer.from('姓名,手机,快递公司,派送小区\n') }]), 'archive.xlsx', 'invalid_file');
    const xlsx = fixture('couriers.xlsx');
    await o.refused(xlsx.subarray(0, Math.floor(xlsx.length / 2)), 'cut.xlsx', 'invalid_file');
    // An OLE file with a Word stream and no Workbook: a .doc renamed .xls.
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, 'WordDocument', Buffer.alloc(4096, 1));
    await o.refused(Buffer.from(XLSX.CFB.write(cfb, { type: 'buffer' }) as Uint8Array), 'letter.xls', 'invalid_file');
  });

  it('empty: no bytes, only blank lines, or only the header rows', async () => {
    const o = await setup();
    const body = await o.refused(Buffer.alloc(0), 'empty.csv', 'empty_file');
    expect(body.message).toBe('文件中没有数据');
    await o.refused(Buffer.from('\r\n\r\n,,,\r\n'), 'blank.csv', 'empty_file');
    await o.refused(Buffer.from('基本信息(必填),联系信息(必填),快递公司信息(必填),关联信息(必填)\n姓名,手机,快递公司,派送小区\n'), 'header.csv', 'empty_file');
  });

  it('a text file without the columns names the missing ones', async () => {
    const o = await setup();
    const body = await o.refused(Buffer.from('姓名,地址\n张三,北京市朝阳区\n'), 'list.csv', 'missing_columns');
    expect(body.message).toBe('表格缺少必填列：手机、快递公司、派送小区（请使用标准模版）');
    const other = await o.refused(Buffer.from('hello world\nthis is a letter\n'), 'letter.txt', 'missing_columns');
    expect(other.message).toBe('表格缺少必填列：姓名、手机、快递公司、派送小区（请使用标准模版）');
  });

  it('no file, or not multipart', async () => {
    const o = await setup();
    const r = await o.admin.post<ApiError>('/api/couriers/import', { file: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('file_required');
  });
});

describe('encrypted workbooks (saved with a password by LibreOffice)', () => {
  it.each(['encrypted.xlsx', 'encrypted.xls'])('%s → encrypted_file', async (name) => {
    const o = await setup();
    const body = await o.refused(fixture(name), name, 'encrypted_file');
    expect(body.message).toBe('文件已加密，请取消密码保护后再导入');
  });
});

describe('size limits', () => {
  it('a file over 5 MB', async () => {
    const o = await setup();
    const line = `快递员,13912340001,顺丰,${HUARUN},${'备注'.repeat(20)}\n`;
    const big = Buffer.from(`姓名,手机,快递公司,派送小区,备注\n${line.repeat(Math.ceil((5 * 1024 * 1024) / Buffer.byteLength(line)) + 1)}`);
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const body = await o.refused(big, 'big.csv', 'file_too_large');
    expect(body.message).toBe('文件不能超过5MB');
  });

  it('over real HTTP too: exactly 5 MB is read, 1, 10 or 100 bytes more are refused (not cut to 5 MB and imported)', async () => {
    const o = await setup();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const head = Buffer.from(`姓名,手机,快递公司,派送小区\n新人,13912340099,顺丰,${HUARUN}\n`);
    const send = async (size: number) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]))]), 'big.csv');
      const r = await fetch(`${address}/api/couriers/import`, { method: 'POST', headers: { cookie: `sid=${o.admin.cookie}` }, body: form });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const limit = 5 * 1024 * 1024;
    for (const over of [1, 10, 100]) {
      const r = await send(limit + over);
      expect(r, `${over} bytes over`).toEqual({ status: 400, body: { error: 'file_too_large', message: '文件不能超过5MB' } });
    }
    expect(await courierRows(t.database, o.org.id)).toHaveLength(1);
    expect(await send(limit)).toEqual({ status: 200, body: { created: 1, updated: 0, failed: 0, errors: [] } });
  });

  it('10,001 data rows are refused (csv and xlsx); 10,000 are imported', async () => {
    const o = await setup();
    const body = await o.refused(courierCsv(10_001, HUARUN), 'rows.csv', 'too_many_rows');
    expect(body.message).toBe('一次最多导入10000行');
    await o.refused(await courierXlsx(10_001, HUARUN), 'rows.xlsx', 'too_many_rows');
    const ok = expectStatus(await upload(o.admin, '/api/couriers/import', courierCsv(10_000, HUARUN), 'max.csv'), 200);
    expect(ok).toEqual({ created: 10_000, updated: 0, failed: 0, errors: [] });
    expect(await courierRows(t.database, o.org.id)).toHaveLength(10_001);
  });

  it('a zip bomb: an xlsx-looking zip whose sheet inflates to 60 MB (of XML elements, or of zeros)', async () => {
    const o = await setup();
    const bomb = zipBomb(60, { xml: true });
    expect(bomb.length).toBeLessThan(200_000);
    const body = await o.refused(bomb, 'bomb.xlsx', 'invalid_file');
    expect(body.message).toBe('文件解压后过大（超过50MB或1000个部件），请检查文件');
    await o.refused(zipBomb(60), 'zeros.xlsx', 'invalid_file');
  });

  it('a zip bomb that lies about its sizes', async () => {
    const o = await setup();
    await o.refused(zipBomb(60, { lie: true, xml: true }), 'liar.xlsx', 'invalid_file');
    await o.refused(zipBomb(60, { lie: true }), 'liar.xlsx', 'invalid_file');
  });

  it('xlsx parts a streaming parser would hold whole: a 45 MB cell, 2.6 million shared strings', async () => {
    const o = await setup();
    const cell = await o.refused(giantCellXlsx(), 'cell.xlsx', 'invalid_file');
    expect(cell.message).toBe('文件中有超长的内容（超过单元格的32767个字符），请检查文件');
    const strings = await o.refused(sharedStringsXlsx(), 'strings.xlsx', 'invalid_file');
    expect(strings.message).toBe('文件中的文字条目过多（超过500150条），请检查文件');
  });

  it('a csv line wider than any spreadsheet (5 MB of fields)', async () => {
    const o = await setup();
    const body = await o.refused(wideCsv(), 'wide.csv', 'invalid_file');
    expect(body.message).toBe('表格的列数过多（超过16384列），请检查文件');
    await o.refused(wideCsv(true), 'commas.csv', 'invalid_file');
  });

  it('a cell of 32,767 characters (Excel’s longest) is still read', async () => {
    const o = await setup();
    const note = '长'.repeat(32_767);
    const file = await makeXlsx([
      ['姓名', '手机', '快递公司', '派送小区', '备注'],
      ['甲', '13912340091', '顺丰', HUARUN, note],
    ]);
    expect(expectStatus(await upload(o.admin, '/api/couriers/import', file, 'long.xlsx'), 200)).toEqual({ created: 1, updated: 0, failed: 0, errors: [] });
  });

  it('a zip of 1,001 entries (1,000 are allowed)', async () => {
    const o = await setup();
    const body = await o.refused(manyEntriesZip(1_001), 'many.xlsx', 'invalid_file');
    expect(body.message).toContain('1000');
    // 1,000 tiny entries pass the guard, and are then not a workbook: still refused, for that reason.
    await o.refused(manyEntriesZip(1_000), 'many.xlsx', 'invalid_file');
  });
});
