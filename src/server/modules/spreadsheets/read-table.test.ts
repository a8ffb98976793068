import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
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
