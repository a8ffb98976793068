import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { normalizeMobile } from '../../../shared/phone.js';
import { textProblem } from '../../../shared/text.js';
import { AppError, badRequest } from '../../errors.js';
import type { ErrorCode } from '../../../shared/messages.js';
import { SPREADSHEET_LIMITS } from './limits.js';
import { readTableIsolated } from './parse-isolated.js';
import type { TableRow } from './read-table.js';
import { unneutralise } from './write-table.js';

/** A column the import needs: found by its name or an alias, in any position. */
export interface ImportColumn<K extends string> {
  key: K;
  name: string;
  aliases?: string[];
}

export interface ImportError {
  row: number;
  column: string;
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  failed: number;
  errors: ImportError[];
}

/** A data row with its cells by column key. */
export interface ImportRow<K extends string> {
  number: number;
  values: Record<K, string>;
}

/** 手机号(必填) → 手机号: how a header cell is compared. */
function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[(（][^)）]*[)）]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

/**
 * Finds the header row (the first of the first three rows that names every column; a group row
 * above it is allowed) and returns the rows below it with their cells by key.
 */
export function locateColumns<K extends string>(rows: TableRow[], columns: ImportColumn<K>[]): ImportRow<K>[] {
  let best: { found: number; missing: string[] } = { found: -1, missing: columns.map((c) => c.name) };
  for (const [i, row] of rows.slice(0, 3).entries()) {
    const keys = row.cells.map(headerKey);
    const index = new Map<K, number>();
    const missing: string[] = [];
    for (const c of columns) {
      const at = keys.findIndex((k) => [c.name, ...(c.aliases ?? [])].some((n) => headerKey(n) === k));
      if (at >= 0) index.set(c.key, at);
      else missing.push(c.name);
    }
    if (missing.length === 0) {
      const data = rows.slice(i + 1);
      if (data.length === 0) throw badRequest('empty_file');
      if (data.length > SPREADSHEET_LIMITS.maxDataRows) throw badRequest('too_many_rows');
      return data.map((r) => ({
        number: r.number,
        values: Object.fromEntries(columns.map((c) => [c.key, unneutralise(r.cells[index.get(c.key) ?? -1] ?? '')])) as Record<K, string>,
      }));
    }
    if (index.size > best.found) best = { found: index.size, missing };
  }
  throw badRequest('missing_columns', `表格缺少必填列：${best.missing.join('、')}（请使用标准模版）`);
}

/**
 * A phone from a spreadsheet cell: numbers, "1.3912345678E+10", spaces, full-width digits and
 * +86 are accepted; scientific notation that lost digits is refused rather than guessed.
 */
export function importedPhone(text: string): { phone: string } | { error: string } {
  const t = text.normalize('NFKC').replace(/\s/g, '');
  if (t === '') return { error: '请填写手机号' };
  const sci = /^(\d)(?:\.(\d+))?e\+?(\d+)$/i.exec(t);
  let digits = t.replace(/\.0+$/, '');
  if (sci) {
    const mantissa = `${sci[1]}${sci[2] ?? ''}`;
    const length = Number(sci[3]) + 1;
    if (mantissa.replace(/0+$/, '').length > length) return { error: '手机号格式不正确' };
    // Fewer digits than the number has: Excel showed it rounded, and the rest is gone.
    if (mantissa.length < length) return { error: '手机号显示为科学计数法，后几位已丢失，请将该列设为文本后重新填写' };
    digits = mantissa.slice(0, length);
  }
  const phone = normalizeMobile(digits);
  return phone ? { phone } : { error: '手机号格式不正确' };
}

/** Refuses each cell that holds what free text may not (control, invisible or bidi characters), as the API does. */
export function checkCellText<K extends string>(values: Record<K, string>, columns: ImportColumn<K>[], fail: (column: string, message: string) => void): void {
  for (const c of columns) {
    const problem = textProblem(values[c.key]);
    if (problem) fail(c.name, `${c.name}${problem}`);
  }
}

/** The uploaded file (multipart field `file`), at most `maxBytes` (5 MB), as a buffer; a larger one is 400 `tooLarge`. */
export async function uploadedFile(
  req: FastifyRequest,
  maxBytes: number = SPREADSHEET_LIMITS.maxBytes,
  tooLarge: ErrorCode = 'file_too_large',
): Promise<Buffer> {
  if (!req.isMultipart()) throw badRequest('file_required', '请以 multipart/form-data 上传文件（字段名 file）');
  try {
    const part = await req.file({ limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 } });
    if (!part) throw badRequest('file_required');
    const buf = await part.toBuffer();
    // toBuffer misses a limit reached in the last chunk (busboy then passes on no more bytes) and
    // returns the first 5 MB: the file is still too large.
    if (part.file.truncated) throw badRequest(tooLarge);
    return buf;
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw badRequest(tooLarge);
    throw badRequest('file_required', '文件上传失败，请重试');
  }
}

/** Reads an uploaded spreadsheet's data rows by column. */
export async function readImport<K extends string>(req: FastifyRequest, columns: ImportColumn<K>[]): Promise<ImportRow<K>[]> {
  const rows = await readTableIsolated(await uploadedFile(req));
  if (rows.length === 0) throw badRequest('empty_file');
  return locateColumns(rows, columns);
}

/**
 * Reports the later of two rows with the same key as a duplicate of the earlier one.
 * Returns false (and records the error) for a duplicate.
 */
export function firstOfKey(seen: Map<string, number>, key: string, row: number, column: string, what: string, errors: ImportError[]): boolean {
  const earlier = seen.get(key);
  if (earlier !== undefined) {
    errors.push({ row, column, message: `与第${earlier}行重复（${what}相同）` });
    return false;
  }
  seen.set(key, row);
  return true;
}

const CHUNK = 500;

/**
 * Writes checked rows: each row's existing record (found in chunks by `findExisting`, matched by
 * `key`) is overwritten when it differs, the others are inserted in chunks. Counts every matched
 * row as updated, changed or not, so that re-importing an export reports N updated.
 */
export async function upsertRows<V, E>(
  rows: V[],
  ops: {
    key(row: V | E): string;
    findExisting(chunk: V[]): Promise<E[]>;
    insert(chunk: V[]): Promise<unknown>;
    /** Overwrites `old` with `row`; returns undefined when nothing differs. */
    update(old: E, row: V): Promise<unknown> | undefined;
  },
): Promise<{ created: number; updated: number }> {
  const existing = new Map<string, E>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    for (const e of await ops.findExisting(rows.slice(i, i + CHUNK))) existing.set(ops.key(e), e);
  }
  const fresh: V[] = [];
  let updated = 0;
  for (const row of rows) {
    const old = existing.get(ops.key(row));
    if (!old) fresh.push(row);
    else {
      updated++;
      await ops.update(old, row);
    }
  }
  for (let i = 0; i < fresh.length; i += CHUNK) await ops.insert(fresh.slice(i, i + CHUNK));
  return { created: fresh.length, updated };
}

/** The result: failed counts rows (a row may have several errors), errors in row order. */
export function importResult(written: { created: number; updated: number }, errors: ImportError[]): ImportResult {
  return { ...written, failed: new Set(errors.map((e) => e.row)).size, errors: errors.sort((a, b) => a.row - b.row) };
}
