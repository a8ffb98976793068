import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../../shared/messages.js';
import { AppError, badRequest } from '../../errors.js';
import type { TableRow } from './read-table.js';

/** Memory and time one upload's parsing may take; past them the file is refused, the server unharmed. */
const LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4, timeoutMs: 30_000 };

type Reply = { ok: true; rows: TableRow[] } | { ok: false; status: number; code: ErrorCode; message?: string };

// Under tsx or vitest this module is TypeScript, and so is the worker's entry.
const fromSource = import.meta.url.endsWith('.ts');
const entry = new URL(fromSource ? './parse-worker.ts' : './parse-worker.js', import.meta.url);

const tooHard = () => badRequest('invalid_file', '文件过大或结构异常，无法读取，请检查文件');

/**
 * Reads an uploaded spreadsheet in a worker thread with its own heap limit, ended after each
 * file: a hostile file cannot push the server's memory up (its garbage goes with the thread), and
 * one that would exhaust the limit, or take too long, is refused with 400.
 */
export async function readTableIsolated(buf: Buffer): Promise<TableRow[]> {
  // The upload's own memory is handed over when the buffer has it to itself; otherwise a copy is.
  const whole = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer;
  const data = whole ? (buf.buffer as ArrayBuffer) : new Uint8Array(buf).buffer;
  // From source, the worker first registers tsx (Node 20 does not pass --import hooks to workers).
  const script = fromSource ? `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })` : entry;
  const worker = new Worker(script, {
    eval: fromSource,
    resourceLimits: { maxOldGenerationSizeMb: LIMITS.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: LIMITS.maxYoungGenerationSizeMb },
    stdout: false,
    stderr: false,
  });
  try {
    const reply = await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(tooHard()), LIMITS.timeoutMs);
      worker.once('message', (m: Reply) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once('error', () => {
        clearTimeout(timer);
        reject(tooHard()); // out of memory (ERR_WORKER_OUT_OF_MEMORY) or a crash
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        reject(tooHard());
      });
      worker.postMessage(data, [data]);
    });
    if (reply.ok) return reply.rows;
    throw new AppError(reply.status, reply.code, reply.message);
  } finally {
    await worker.terminate();
  }
}
