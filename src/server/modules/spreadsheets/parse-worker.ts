// The worker that reads one uploaded spreadsheet (see parse-isolated.ts): whatever the file makes
// the parsers hold, it is held here, within this thread's memory limits, and freed with the thread.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { readTable } from './read-table.js';

parentPort?.once('message', (data: ArrayBuffer) => {
  readTable(Buffer.from(data)).then(
    (rows) => parentPort?.postMessage({ ok: true, rows }),
    (err: unknown) => {
      if (err instanceof AppError) {
        parentPort?.postMessage({ ok: false, status: err.statusCode, code: err.code, message: err.message });
      } else {
        parentPort?.postMessage({ ok: false, status: 400, code: 'invalid_file', message: undefined });
      }
    },
  );
});
