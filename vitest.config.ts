import { configDefaults, defineConfig } from 'vitest/config';
import { LongestFirst } from './test/support/sequencer.js';

/**
 * Test files that never reach a database's behaviour: pure functions, the providers against their
 * fake servers, the parsers' memory under files that are all refused, the size of the first
 * screen's JavaScript, and the browser tests whose server side the API tests run on both databases
 * (the console frame's sign-in and expiry, the cross-site refusals, 组织与人员, 快递员/住户, 开放接口, 操作日志, 问题件,
 * 家人代领, 领取凭证, 数据看板 and 送货上门 screens: test/auth, hardening, admin, spreadsheets, open-api, exceptions, household, proofs,
 * stats, payments). The PostgreSQL pass leaves them out (CI's 15 minutes), and every browser
 * test with them: the parcel, station and phone-app flows run in Chromium on SQLite, their server
 * side in the API tests on both databases.
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
  'e2e/org.e2e.test.ts',
  'e2e/people.e2e.test.ts',
  'e2e/integrations.e2e.test.ts',
  'e2e/audit.e2e.test.ts',
  'e2e/exceptions.e2e.test.ts',
  'e2e/household.e2e.test.ts',
  'e2e/proofs.e2e.test.ts',
  'e2e/dashboard.e2e.test.ts',
  'e2e/delivery.e2e.test.ts',
];

/** Files that replace modules (vi.mock) and so need a module registry of their own. */
const MOCKING = ['test/concurrency.test.ts'];

const include = ['test/**/*.test.ts', 'src/**/*.test.ts', 'e2e/**/*.e2e.test.ts'];
const postgres = process.env.TEST_DB === 'postgres';
const exclude = postgres ? [...configDefaults.exclude, ...DATABASE_INDEPENDENT, 'e2e/**'] : configDefaults.exclude;

export default defineConfig({
  test: {
    // A worker process runs one file after another on the modules it has already loaded (vitest's
    // isolation re-imported the whole app for each file: about a sixth of the suite's time); every
    // file builds its own app, database and clock, so nothing else is shared.
    projects: [
      { extends: true, test: { name: 'shared', include, exclude: [...exclude, ...MOCKING], isolate: false } },
      { extends: true, test: { name: 'isolated', include: MOCKING, exclude } },
    ],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Two files at once on two cores (vitest's default, cores - 1, runs one at a time); three
    // overloaded the machine enough for browser clicks to be lost now and then. The PostgreSQL pass
    // has no browser and waits on the database much of the time: three there.
    maxWorkers: postgres ? 3 : 2,
    sequence: { sequencer: LongestFirst },
    testTimeout: 30_000,
    // Browser tests poll the page; on a loaded machine a screen can take seconds to settle.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 60_000,
  },
});
