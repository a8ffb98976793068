import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readTableIsolated } from './parse-isolated.js';
import { readTable } from './read-table.js';

describe('reading xlsx as a stream', () => {
  it('keeps Chinese text whole where a multi-byte character falls on a chunk boundary', async () => {
    // exceljs 4.4.0 decoded each inflated chunk on its own, garbling one name every ~2,000 rows
    // ("快��员2342"); patches/exceljs+4.4.0.patch decodes the stream as one.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('快递员信息');
    for (let i = 0; i < 10_000; i++) ws.addRow([`快递员${i}`, '华润二十四城', '顺丰速运']);
    const rows = await readTable(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(rows).toHaveLength(10_000);
    const garbled = rows.filter((r, i) => r.cells[0] !== `快递员${i}` || r.cells[1] !== '华润二十四城');
    expect(garbled.map((r) => r.cells[0])).toEqual([]);
  });
});

/** A 10,000-row legacy xls with long remarks: a large real file (~6 MB). */
async function largeXls(): Promise<Buffer> {
  const XLSX = await import('@e965/xlsx');
  const rows = [['姓名', '手机', '快递公司', '派送小区', '备注一', '备注二']];
  for (let i = 0; i < 10_000; i++) {
    rows.push([`快递员${i}号`, `139${String(10_000_000 + i).slice(-8)}`, '顺丰速运', `华润二十四城${i % 50}`, '这是一段比较长的备注文字'.repeat(3), `${i}`]);
  }
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), '快递员信息');
  return XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer;
}

describe('the parsing worker', () => {
  it('has memory enough for a large real file: a 10,000-row legacy xls with long remarks', async () => {
    const read = await readTableIsolated(await largeXls());
    expect(read).toHaveLength(10_001);
    expect(read[10_000]?.cells.slice(0, 2)).toEqual(['快递员9999号', '13910009999']);
  });

  it('reads that file whatever the files before it left in the reused thread (every format and encoding of the fixtures)', async () => {
    const dir = path.resolve(import.meta.dirname, '../../../../test/fixtures/spreadsheets');
    for (const name of fs.readdirSync(dir).filter((f) => /\.(xlsx?|csv)$/.test(f) && !f.startsWith('encrypted'))) {
      expect(await readTableIsolated(fs.readFileSync(path.join(dir, name))), name).not.toHaveLength(0);
    }
    // Without the retry on a fresh thread the first of these was refused as 文件过大或结构异常.
    const xls = await largeXls();
    for (let i = 0; i < 2; i++) expect(await readTableIsolated(Buffer.from(xls))).toHaveLength(10_001);
  });
});
