import { describe, expect, it } from 'vitest';
import { giantCellXlsx, longCellsXlsx, longSharedStringsXlsx, sharedStringsXlsx, wideCsv, wideRowsXlsx } from './support/spreadsheets.js';
import { LIMIT_MB, rounds, server, useBuiltServer } from './support/memory-server.js';
import { stopServer } from './support/server-process.js';

// The real server process takes files that make the parsers hold or churn memory, three times
// over, and its peak resident memory (VmHWM) stays under 300 MB.
useBuiltServer();

describe('memory', () => {
  it(
    `files that make the parsers hold or churn memory (huge cells, huge string tables, 16,384-column rows, 5 MB csv lines) keep it under ${LIMIT_MB} MB`,
    { timeout: 300_000 },
    async () => {
      const s = await server();
      await rounds(s, [
        ['45 MB cell', giantCellXlsx(), 'invalid_file'],
        ['2.6 million shared strings', sharedStringsXlsx(), 'invalid_file'],
        ['5 MB csv line', wideCsv(), 'invalid_file'],
        ['5 MB csv line of empty fields', wideCsv(true), 'invalid_file'],
        // Files within every limit but heavy to parse: read (they lack the columns), or refused when
        // the parsing worker runs out of its memory ("文件过大或结构异常").
        ['500,000 shared strings', sharedStringsXlsx(500_000), ['missing_columns', 'invalid_file']],
        ['180 shared strings of 250 KB', longSharedStringsXlsx(), ['missing_columns', 'invalid_file']],
        ['180 cells of 250 KB', longCellsXlsx(), ['missing_columns', 'invalid_file']],
        ['16,384-column rows', wideRowsXlsx(), ['missing_columns', 'invalid_file']],
      ]);
      expect(s.report('parser-heavy files')).toBeLessThan(LIMIT_MB);
      await stopServer(s.proc);
    },
  );
});
