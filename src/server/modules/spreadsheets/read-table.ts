import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import { AppError, badRequest } from '../../errors.js';
import { SPREADSHEET_LIMITS } from './limits.js';
import { assertSafeZip } from './zip-guard.js';

/** A row as the user sees it: its number in the spreadsheet and its cells' text. */
export interface TableRow {
  number: number;
  cells: string[];
}

/** Enough rows to tell that a file has more data rows than allowed (two header rows + one over). */
const ROWS_TO_READ = SPREADSHEET_LIMITS.maxDataRows + 3;

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const unreadable = () => badRequest('invalid_file');
const tooWide = () => badRequest('invalid_file', `表格的列数过多（超过${SPREADSHEET_LIMITS.maxCsvFields}列），请检查文件`);
const encrypted = () => badRequest('encrypted_file');

/**
 * Reads the first sheet of an uploaded spreadsheet, recognised by its content (not its name):
 * xlsx (a zip), legacy xls (BIFF8 in a compound file), or csv text in UTF-8 or GB18030.
 */
export async function readTable(buf: Buffer): Promise<TableRow[]> {
  if (buf.length === 0) throw badRequest('empty_file');
  let rows: TableRow[];
  if (buf.subarray(0, 4).equals(ZIP)) rows = await readXlsx(buf);
  else if (buf.subarray(0, 8).equals(CFB)) rows = await readCompoundFile(buf);
  else rows = await readCsv(buf);
  return rows
    .map((r) => ({ number: r.number, cells: r.cells.slice(0, SPREADSHEET_LIMITS.maxColumns).map(cleanCell) }))
    .filter((r) => r.cells.some((c) => c !== ''));
}

function cleanCell(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}

async function readXlsx(buf: Buffer): Promise<TableRow[]> {
  await assertSafeZip(buf);
  const rows: TableRow[] = [];
  let sheets = 0;
  // Each format's library is loaded only for its files: the parsing worker's heap is small.
  const { default: ExcelJS } = await import('exceljs');
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(buf), {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      worksheets: 'emit',
    });
    for await (const sheet of reader) {
      sheets++;
      for await (const row of sheet) {
        const cells: string[] = [];
        const width = Math.min(row.cellCount, SPREADSHEET_LIMITS.maxColumns);
        // cell.text reads rich text, numbers and formulas' results as the text the user sees.
        for (let i = 1; i <= width; i++) cells.push(row.getCell(i).text ?? '');
        rows.push({ number: row.number, cells });
        if (rows.length > ROWS_TO_READ) break;
      }
      break; // the first sheet only
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadable();
  }
  // A zip without a worksheet is not a workbook (it is not an empty one either).
  if (sheets === 0) throw unreadable();
  return rows;
}

/** The part of SheetJS's bundled CFB reader used here (its typings say `any`). */
interface CfbReader {
  read(data: Buffer, opts: { type: 'buffer' }): { FullPaths: string[] };
}

/** A compound file: a legacy .xls workbook, or an encrypted xlsx (which Office wraps in one). */
async function readCompoundFile(buf: Buffer): Promise<TableRow[]> {
  const XLSX = await import('@e965/xlsx');
  let container: { FullPaths: string[] };
  try {
    container = (XLSX.CFB as CfbReader).read(buf, { type: 'buffer' });
  } catch {
    throw unreadable();
  }
  const names = container.FullPaths.map((p) => p.replace(/^.*\//, '').toLowerCase());
  if (names.includes('encryptedpackage') || names.includes('encryptioninfo')) throw encrypted();
  if (!names.includes('workbook') && !names.includes('book')) throw unreadable();
  let wb: import('@e965/xlsx').WorkBook;
  try {
    wb = XLSX.read(buf, {
      type: 'buffer',
      sheetRows: ROWS_TO_READ + 1,
      dense: true,
      cellText: false,
      cellNF: false,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
    });
  } catch (err) {
    if (/password|encrypt/i.test(err instanceof Error ? err.message : '')) throw encrypted();
    throw unreadable();
  }
  const name = wb.SheetNames[0];
  const sheet = name ? wb.Sheets[name] : undefined;
  if (!sheet?.['!ref']) return [];
  const start = XLSX.utils.decode_range(sheet['!ref']).s;
  // Raw values: a phone in a number cell shown as 1.39E+10 is still 13912345678 underneath.
  const data = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true, blankrows: true, defval: '' });
  return data.map((cells, i) => ({
    number: start.r + i + 1,
    cells: [...Array<string>(start.c).fill(''), ...cells.map(cellText)],
  }));
}

/** A raw SheetJS value as text: whole numbers without exponent or decimals, the rest as written. */
function cellText(v: unknown): string {
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e21) return v.toFixed(0);
  return v === null || v === undefined ? '' : String(v);
}

/**
 * CSV text: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", tab-separated), or, when
 * the bytes are not UTF-8, GB18030 (what Chinese Excel saves; a superset of GBK).
 */
async function readCsv(buf: Buffer): Promise<TableRow[]> {
  const head = buf.subarray(0, 65_536);
  let text: string;
  if (head[0] === 0xff && head[1] === 0xfe) text = buf.subarray(2).toString('utf16le');
  else if (head.includes(0))
    throw unreadable(); // binary: not a spreadsheet of any kind we read
  else {
    const body = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? buf.subarray(3) : buf;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      text = (await import('iconv-lite')).default.decode(body, 'gb18030');
    }
  }
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: [',', '\t'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      to: ROWS_TO_READ + 1,
      // A record wider than any spreadsheet (a 5 MB line of commas: millions of fields) is refused
      // as it is read, and only the columns read are kept of each record.
      cast: (value, context) => {
        if (context.index >= SPREADSHEET_LIMITS.maxCsvFields) throw tooWide();
        return value;
      },
      on_record: (record: string[]) => (record.length > SPREADSHEET_LIMITS.maxColumns ? record.slice(0, SPREADSHEET_LIMITS.maxColumns) : record),
    }) as string[][];
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadable();
  }
  return records.map((cells, i) => ({ number: i + 1, cells }));
}
