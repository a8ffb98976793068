import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { App } from '../../src/server/http.js';
import type { Database_ } from '../../src/server/db/index.js';
import { type Client, createCommunity, createOrg, type Reply } from './factories.js';

/** The community names the fixtures under test/fixtures/spreadsheets use. */
export const HUARUN = '华润二十四城';
export const LANLAN = '兰兰测试用';

export function fixture(name: string): Buffer {
  return fs.readFileSync(new URL(`../fixtures/spreadsheets/${name}`, import.meta.url));
}

/** A fresh org with the two communities that the fixtures name. */
export async function orgWithFixtureCommunities(app: App) {
  const org = await createOrg(app);
  const huarun = await createCommunity(org.admin, { name: HUARUN });
  const lanlan = await createCommunity(org.admin, { name: LANLAN });
  return { ...org, huarun, lanlan };
}

/** A multipart/form-data body with one file in the field `file`, built by hand. */
export function multipart(file: Buffer, filename: string, contentType = 'application/octet-stream') {
  const boundary = `----kdtest${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, file, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** POSTs a file to an import route as the signed-in client; `T` is the answer expected (ApiError for a refusal). */
export async function upload<T = unknown>(client: Client, url: string, file: Buffer, filename: string): Promise<Reply<T>> {
  const { payload, headers } = multipart(file, filename);
  const res = await client.app.inject({
    method: 'POST',
    url,
    remoteAddress: client.ip,
    headers: { ...headers, ...(client.cookie ? { cookie: `sid=${client.cookie}` } : {}) },
    payload,
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as T) : (undefined as T), headers: res.headers };
}

export interface Download {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
}

export async function download(client: Client, url: string): Promise<Download> {
  const res = await client.app.inject({
    method: 'GET',
    url,
    remoteAddress: client.ip,
    headers: client.cookie ? { cookie: `sid=${client.cookie}` } : {},
  });
  return { status: res.statusCode, headers: res.headers, body: res.rawPayload };
}

/** The file name of a Content-Disposition's `filename*=UTF-8''…`, decoded. */
export function utf8FileName(disposition: unknown): string | undefined {
  const m = /filename\*=UTF-8''([^;]+)/i.exec(String(disposition ?? ''));
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

/** A downloaded csv: whether it starts with a BOM, and its records. */
export function readCsv(buf: Buffer): { bom: boolean; rows: string[][]; text: string } {
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const text = buf.subarray(bom ? 3 : 0).toString('utf8');
  return { bom, rows: parseCsv(text, { relax_column_count: true }) as string[][], text };
}

/** A downloaded xlsx, loaded whole (small files only). */
export async function loadXlsx(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

/** The rows of a worksheet as the text of their cells (row 1 first; missing cells ''). */
export function sheetRows(ws: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let i = 1; i <= ws.columnCount; i++) cells.push(row.getCell(i).text ?? '');
    while (cells.length && cells.at(-1) === '') cells.pop();
    rows[n - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}

/** An xlsx made with exceljs from rows of cell values. */
export async function makeXlsx(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Deflate (default) or store. */
  store?: boolean;
  /** Uncompressed size to declare in the headers in place of the real one (a lying zip). */
  declaredSize?: number;
}

/** A zip file built by hand: local headers, data, central directory, end record. */
export function makeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.store ? e.data : deflateRawSync(e.data, { level: 9 });
    const method = e.store ? 0 : 8;
    const crc = crc32(e.data) >>> 0;
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES_XML = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="xml" ContentType="application/xml"/></Types>',
);

/**
 * An xlsx-looking zip whose worksheet inflates to `megabytes` MB (about 1/1000 of that compressed):
 * of zeros, or of empty XML elements (`<c/>`, which no text-length check catches).
 */
export function zipBomb(megabytes: number, opts: { lie?: boolean; xml?: boolean } = {}): Buffer {
  const size = megabytes * 1024 * 1024;
  const data = opts.xml ? Buffer.alloc(size, '<c/>') : Buffer.alloc(size);
  return makeZip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES_XML },
    { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
    { name: 'xl/worksheets/sheet1.xml', data, ...(opts.lie ? { declaredSize: 1000 } : {}) },
  ]);
}

/** An xlsx-looking zip with `count` tiny entries. */
export function manyEntriesZip(count: number): Buffer {
  const entries: ZipEntry[] = [{ name: '[Content_Types].xml', data: CONTENT_TYPES_XML }];
  for (let i = 1; entries.length < count; i++) entries.push({ name: `xl/media/image${i}.xml`, data: Buffer.from('<a/>'), store: true });
  return makeZip(entries);
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** A well-formed xlsx package around a given sheet (and shared strings), built by hand. */
export function handmadeXlsx(sheetXml: Buffer, sharedStrings?: Buffer): Buffer {
  const ct =
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    (sharedStrings
      ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
      : '') +
    '</Types>';
  const rels =
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
  const wbRels =
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
    (sharedStrings
      ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
      : '') +
    '</Relationships>';
  const wb =
    `${XML_HEAD}<workbook xmlns="${MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>';
  return makeZip([
    { name: '[Content_Types].xml', data: Buffer.from(ct) },
    { name: '_rels/.rels', data: Buffer.from(rels) },
    { name: 'xl/workbook.xml', data: Buffer.from(wb) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(wbRels) },
    ...(sharedStrings ? [{ name: 'xl/sharedStrings.xml', data: sharedStrings }] : []),
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
  ]);
}

function columnName(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

const MB = 1024 * 1024;

/** Rows of 16,384 cells (Excel's widest) of 100-character inline strings, 45 MB in all. */
export function wideRowsXlsx(): Buffer {
  const parts: Buffer[] = [Buffer.from(`${XML_HEAD}<worksheet xmlns="${MAIN}"><sheetData>`)];
  const text = 'x'.repeat(100);
  let size = 0;
  for (let r = 1; size < 45 * MB; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= 16_384; c++) cells.push(`<c r="${columnName(c)}${r}" t="inlineStr"><is><t>${text}</t></is></c>`);
    const row = Buffer.from(`<row r="${r}">${cells.join('')}</row>`);
    parts.push(row);
    size += row.length;
  }
  parts.push(Buffer.from('</sheetData></worksheet>'));
  return handmadeXlsx(Buffer.concat(parts));
}

/** One cell holding a 45 MB string. */
export function giantCellXlsx(): Buffer {
  const sheet = `${XML_HEAD}<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>${'x'.repeat(45 * MB)}</t></is></c></row></sheetData></worksheet>`;
  return handmadeXlsx(Buffer.from(sheet));
}

const sheetOfSharedStrings = Buffer.from(
  `${XML_HEAD}<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>`,
);

/** A shared-string table of `count` short strings (45 MB for the default 2.6 million) behind a small sheet. */
export function sharedStringsXlsx(count = Math.floor((45 * MB) / 18)): Buffer {
  const sst = Buffer.from(`${XML_HEAD}<sst xmlns="${MAIN}" count="${count}" uniqueCount="${count}">${'<si><t>ab</t></si>'.repeat(count)}</sst>`);
  return handmadeXlsx(sheetOfSharedStrings, sst);
}

/** 180 shared strings of 250 KB each (45 MB; each just under the longest text allowed). */
export function longSharedStringsXlsx(): Buffer {
  const sst = Buffer.from(`${XML_HEAD}<sst xmlns="${MAIN}" count="180" uniqueCount="180">${`<si><t>${'y'.repeat(250_000)}</t></si>`.repeat(180)}</sst>`);
  return handmadeXlsx(sheetOfSharedStrings, sst);
}

/** 180 rows of one 250 KB inline-string cell each (45 MB). */
export function longCellsXlsx(): Buffer {
  const text = 'z'.repeat(250_000);
  const rows: string[] = [];
  for (let r = 1; r <= 180; r++) rows.push(`<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${text}</t></is></c></row>`);
  return handmadeXlsx(Buffer.from(`${XML_HEAD}<worksheet xmlns="${MAIN}"><sheetData>${rows.join('')}</sheetData></worksheet>`));
}

/** A csv of one 5 MB line: 2.6 million one-character columns (or empty ones). */
export function wideCsv(empty = false): Buffer {
  const n = Math.floor((5 * MB - 10) / 2);
  return Buffer.from(`${(empty ? ',' : 'a,').repeat(empty ? 2 * n : n)}a\n`);
}

/** A courier csv (names row only) with `n` data rows of distinct phones in one community. */
export function courierCsv(n: number, community: string): Buffer {
  const lines = ['姓名,手机,快递公司,派送小区'];
  for (let i = 0; i < n; i++) lines.push(`快递员${i},139${String(i).padStart(8, '0')},顺丰,${community}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The same as an xlsx, with the phones as text. */
export async function courierXlsx(n: number, community: string): Promise<Buffer> {
  const rows: string[][] = [['姓名', '手机', '快递公司', '派送小区']];
  for (let i = 0; i < n; i++) rows.push([`快递员${i}`, `139${String(i).padStart(8, '0')}`, '顺丰', community]);
  return makeXlsx(rows);
}

/** Every courier of an org straight from the database, in a stable order. */
export async function courierRows(database: Database_, orgId: number) {
  return database.db
    .selectFrom('couriers')
    .innerJoin('communities', 'communities.id', 'couriers.community_id')
    .select([
      'couriers.id',
      'communities.name as community',
      'couriers.name',
      'couriers.phone',
      'couriers.carrier',
      'couriers.created_at',
      'couriers.updated_at',
    ])
    .where('couriers.org_id', '=', orgId)
    .orderBy('couriers.id')
    .execute();
}

/** The same without ids and times: what a comparison of content needs. */
export async function courierValues(database: Database_, orgId: number) {
  const rows = await courierRows(database, orgId);
  return rows.map((r) => ({ community: r.community, name: r.name, phone: r.phone, carrier: r.carrier }));
}

export async function residentRows(database: Database_, orgId: number) {
  return database.db
    .selectFrom('residents')
    .innerJoin('communities', 'communities.id', 'residents.community_id')
    .select([
      'residents.id',
      'communities.name as community',
      'residents.name',
      'residents.phone',
      'residents.building',
      'residents.unit',
      'residents.room',
      'residents.created_at',
      'residents.updated_at',
    ])
    .where('residents.org_id', '=', orgId)
    .orderBy('residents.id')
    .execute();
}
