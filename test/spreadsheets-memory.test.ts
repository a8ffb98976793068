import { describe, expect, it } from 'vitest';
import { courierCsv, courierXlsx, HUARUN, zipBomb } from './support/spreadsheets.js';
import { LIMIT_MB, rounds, server, useBuiltServer } from './support/memory-server.js';
import { stopServer } from './support/server-process.js';

// The real server process takes zip bombs and files at and over every limit, three times over,
// and its peak resident memory (VmHWM) stays under 300 MB. (Parser-heavy files: the -parsers file.)
useBuiltServer();

describe('memory', () => {
  it(`zip bombs, 10,001 rows, over 5 MB and a 10,000-row xlsx, three times over: the server stays under ${LIMIT_MB} MB`, { timeout: 300_000 }, async () => {
    const s = await server();
    await rounds(s, [
      ['zip bomb', zipBomb(60, { xml: true }), 'invalid_file'],
      ['zip bomb of zeros, lying sizes', zipBomb(60, { lie: true }), 'invalid_file'],
      ['10,001-row csv', courierCsv(10_001, HUARUN), 'too_many_rows'],
      ['10,001-row xlsx', await courierXlsx(10_001, HUARUN), 'too_many_rows'],
      ['over 5 MB', Buffer.concat([courierCsv(1, HUARUN), Buffer.alloc(5 * 1024 * 1024, 0x20)]), 'file_too_large'],
    ]);
    expect(s.report('bombs and maximal files')).toBeLessThan(LIMIT_MB);
    await stopServer(s.proc);
  });
});
