import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Two files at once on two cores (vitest's default, cores - 1, runs one at a time); three
    // overloaded the machine enough for browser clicks to be lost now and then.
    maxWorkers: 2,
    testTimeout: 30_000,
    // Browser tests poll the page; on a loaded machine a screen can take seconds to settle.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 60_000,
  },
});
