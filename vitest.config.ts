import { configDefaults, defineConfig } from 'vitest/config';
import { LongestFirst } from './test/support/sequencer.js';

/**
 * Test files that never reach a database's behaviour: pure functions, the providers against their
 * fake servers, the parsers' memory under files that are all refused, the size of the first
 * screen's JavaScript, and the browser's own mechanics (the console frame's sign-in and expiry, the
 * cross-site refusals in Chromium: their server side runs on both databases in test/auth.test.ts
 * and test/hardening.test.ts). The PostgreSQL pass leaves them out; they run once, on SQLite.
 */
const DATABASE_INDEPENDENT = [
  'src/**/*.test.ts',
  'test/tencent-sms.test.ts',
  'test/wechat-mp.test.ts',
  'test/spreadsheets-memory-parsers.test.ts',
  'test/log-scan.test.ts',
  'e2e/first-screen.e2e.test.ts',
  'e2e/frame.e2e.test.ts',
  'e2e/security.e2e.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    exclude: process.env.TEST_DB === 'postgres' ? [...configDefaults.exclude, ...DATABASE_INDEPENDENT] : configDefaults.exclude,
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Two files at once on two cores (vitest's default, cores - 1, runs one at a time); three
    // overloaded the machine enough for browser clicks to be lost now and then.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    testTimeout: 30_000,
    // Browser tests poll the page; on a loaded machine a screen can take seconds to settle.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 60_000,
  },
});
