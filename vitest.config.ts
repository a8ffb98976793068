import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Three files at once on two cores: much of a test's time is spent waiting on a browser, a
    // server process or a database, and vitest's default (cores - 1) would run one file at a time.
    maxWorkers: 3,
    testTimeout: 30_000,
    // Browser tests poll the page; on a loaded machine a screen can take seconds to settle.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 60_000,
  },
});
