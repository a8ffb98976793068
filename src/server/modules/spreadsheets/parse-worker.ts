// The thread that reads uploaded spreadsheets (see parse-isolated.ts), one at a time: whatever a
// file makes the parsers hold is held here, within this thread's memory limits. Each answer says
// how much heap is still used after the file, so that a thread left large is not given another.
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { readTable } from './read-table.js';
import type { ParseResult, WorkerReply } from './parse-isolated.js';

const reply = (m: ParseResult) => parentPort?.postMessage({ ...m, heapUsed: getHeapStatistics().used_heap_size } satisfies WorkerReply);

parentPort?.on('message', (data: ArrayBuffer) => {
  readTable(Buffer.from(data)).then(
    (rows) => reply({ ok: true, rows }),
    (err: unknown) => {
      if (err instanceof AppError) reply({ ok: false, status: err.statusCode, code: err.code, message: err.message });
      else reply({ ok: false, status: 400, code: 'invalid_file', message: undefined });
    },
  );
});
parentPort?.postMessage('ready');
