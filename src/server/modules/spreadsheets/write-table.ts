import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

export type SheetFormat = 'xlsx' | 'csv';

export interface SheetColumn {
  name: string;
  /** The group label of row 1 (the template's layout); omitted: no group row. */
  group?: string;
  width?: number;
  /** Text-formatted column (phones): Excel keeps what is typed there as text. */
  text?: boolean;
  /** A drop-down list of allowed values (a range of the hidden options sheet). */
  choices?: string[];
}

export interface SheetSpec {
  fileTitle: string;
  sheetName: string;
  columns: SheetColumn[];
  rows: Iterable<string[]> | AsyncIterable<string[]>;
}

/**
 * A text that a spreadsheet program would read as a formula (= + - @, or a leading tab or CR) is
 * prefixed with an apostrophe; `unneutralise` takes it off again on import, so a round trip keeps it.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function unneutralise(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

/** `attachment` with the Chinese file name (RFC 6266/5987) and an ASCII fallback. */
export function contentDisposition(title: string, format: SheetFormat, now: Date): string {
  const day = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
  const name = `${title}_${day}.${format}`;
  return `attachment; filename="export_${day}.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const CONTENT_TYPES: Record<SheetFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

function headerRows(columns: SheetColumn[]): string[][] {
  const names = columns.map((c) => c.name);
  return columns.some((c) => c.group) ? [columns.map((c) => c.group ?? ''), names] : [names];
}

/** Writes the sheet as a stream: xlsx (every cell a string) or csv (UTF-8 with BOM, for Excel). */
export function writeSheet(spec: SheetSpec, format: SheetFormat): Readable {
  return format === 'csv' ? writeCsv(spec) : writeXlsx(spec);
}

function writeCsv(spec: SheetSpec): Readable {
  const out = new PassThrough();
  // Waits while the client reads slowly, so that a large export is not held in memory.
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  void (async () => {
    try {
      await write(`\uFEFF${stringify(headerRows(spec.columns))}`);
      let batch: string[][] = [];
      for await (const row of spec.rows) {
        batch.push(row.map(neutralise));
        if (batch.length >= 500) {
          await write(stringify(batch));
          batch = [];
        }
      }
      if (batch.length) await write(stringify(batch));
      out.end();
    } catch (err) {
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  return out;
}

function columnLetter(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

function writeXlsx(spec: SheetSpec): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const header = headerRows(spec.columns);
  const ws = wb.addWorksheet(spec.sheetName, { views: [{ state: 'frozen', ySplit: header.length }] });
  ws.columns = spec.columns.map((c) => ({ width: c.width ?? 16, style: c.text ? { numFmt: '@' } : {} }));
  const options = spec.columns.some((c) => c.choices?.length) ? wb.addWorksheet('选项', { state: 'hidden' }) : undefined;
  void (async () => {
    try {
      for (const values of header) {
        const row = ws.addRow(values);
        row.font = { bold: true };
        row.commit();
      }
      for await (const values of spec.rows) {
        const row = ws.addRow(values.map(neutralise));
        // Strings, never numbers or formulas: a phone stays 11 digits, "=…" stays text.
        row.eachCell((cell) => {
          cell.value = String(cell.value ?? '');
        });
        row.commit();
      }
      if (options) addChoices(ws, options, spec.columns, header.length);
      ws.commit();
      options?.commit();
      await wb.commit();
    } catch (err) {
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  return out;
}

/** The streaming worksheet has data validations; exceljs's typings do not say so. */
interface WithValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

/** Drop-down lists for columns with choices, kept on a hidden sheet (no 255-character limit). */
function addChoices(ws: ExcelJS.Worksheet, options: ExcelJS.Worksheet, columns: SheetColumn[], headerCount: number): void {
  const lists = columns.map((c) => c.choices ?? []);
  const longest = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) options.addRow(lists.map((l) => l[i] ?? '')).commit();
  columns.forEach((c, i) => {
    if (!c.choices?.length) return;
    const col = columnLetter(i + 1);
    const range = `${col}${headerCount + 1}:${col}${headerCount + 5000}`;
    (ws as unknown as WithValidations).dataValidations.add(range, {
      type: 'list',
      allowBlank: true,
      showErrorMessage: false,
      formulae: [`'选项'!$${col}$1:$${col}$${c.choices.length}`],
    });
  });
}
