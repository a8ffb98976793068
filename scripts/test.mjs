#!/usr/bin/env node
// The test command: type-check, lint (eslint and prettier), build the server and the web apps
// when out of date, then the whole suite on SQLite, then again on PostgreSQL when a PostgreSQL URL is given (TEST_PG_URL, or
// DATABASE_URL), each pass followed by a scan of all its logs. LONG_TESTS=1 runs the fault tests
// at full size (CI sets it). REQUIRE_PG=1 fails the run without the PostgreSQL pass;
// REQUIRE_BROWSER=1 fails it when Chromium is missing instead of skipping the browser tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The compiler: TypeScript 7 (native), installed as `typescript-7`; the `typescript` name holds
 * TypeScript 6, whose JavaScript API typescript-eslint's parser needs (TypeScript 7 has none yet).
 */
const TSC = 'node_modules/typescript-7/bin/tsc';

const extra = process.argv.slice(2);
const pgUrl = process.env.TEST_PG_URL || process.env.DATABASE_URL || '';
const results = [];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function vitest(db) {
  const out = path.join(os.tmpdir(), `kd-vitest-${db}-${process.pid}.json`);
  // Every app and server process of the pass logs here; the scan below reads it all.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `kd-logs-${db}-`));
  const env = { TEST_DB: db, TEST_PG_URL: db === 'postgres' ? pgUrl : '', DATABASE_URL: '', TEST_LOG_DIR: logDir };
  process.stdout.write(`\n=== test suite on ${db} ===\n`);
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`, ...extra], env);
  let passed = 0;
  let failed = 0;
  const failures = [];
  try {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed = report.numPassedTests;
    failed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
    for (const file of report.testResults ?? []) {
      const name = path.relative(process.cwd(), file.name);
      if (file.status === 'failed' && (file.assertionResults ?? []).every((t) => t.status !== 'failed')) failures.push(`${name}: ${firstLine(file.message)}`);
      for (const t of file.assertionResults ?? []) if (t.status === 'failed') failures.push(`${name} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    }
  } catch {
    failed = failed || 1;
  }
  // The logs of the whole pass must hold no phone, code, password or session token.
  const scan = run('npx', ['tsx', 'test/support/log-scan.ts', logDir]);
  if (scan === 0) fs.rmSync(logDir, { recursive: true, force: true });
  else failed += 1;
  results.push({ db, status: status || scan, passed, failed, failures });
}

/** The first line of a failure message, short enough for the summary. */
function firstLine(message) {
  return (
    String(message ?? '')
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim()
      .slice(0, 300) ?? ''
  );
}

if (run(process.execPath, [TSC, '-p', '.']) !== 0 || run(process.execPath, [TSC, '-p', 'src/web']) !== 0) {
  process.stdout.write('type check failed\n');
  process.exit(1);
}
// Lint: the layering of ARCHITECTURE.md as import rules (eslint.config.js), and one format.
if (run('npx', ['eslint', '.']) !== 0 || run('npx', ['prettier', '--check', '--log-level', 'warn', '**/*.{ts,tsx,js,mjs}']) !== 0) {
  process.stdout.write('lint failed (npm run format rewrites the format)\n');
  process.exit(1);
}
// The browser tests load the built web apps; the fault tests run the built server.
if (run('node', ['scripts/build.mjs']) !== 0) {
  process.stdout.write('build failed\n');
  process.exit(1);
}
vitest('sqlite');
if (pgUrl) vitest('postgres');
else process.stdout.write('\nPostgreSQL pass skipped: set TEST_PG_URL (or DATABASE_URL) to a postgres:// URL.\n');

process.stdout.write('\n');
// The failures again at the very end, where a CI log's tail shows them.
for (const r of results) {
  process.stdout.write(`${r.db}: ${r.passed} passed, ${r.failed} failed (exit ${r.status})\n`);
  for (const f of r.failures) process.stdout.write(`  ✗ ${f}\n`);
}
const pgRan = results.some((r) => r.db === 'postgres' && r.passed > 0);
if (process.env.REQUIRE_PG === '1' && !pgRan) {
  process.stdout.write('REQUIRE_PG=1 but the PostgreSQL pass did not run\n');
  process.exit(1);
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(results.every((r) => r.status === 0) && failed === 0 ? 0 : 1);
