import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

let suiteLog: fs.WriteStream | undefined;
/**
 * Where the apps of this test process log when the test command collects the suite's logs
 * (TEST_LOG_DIR, scanned for phones, codes, passwords and tokens after the pass).
 */
export function suiteLogStream(name: 'app' | 'server'): fs.WriteStream | undefined {
  const dir = process.env.TEST_LOG_DIR;
  if (!dir) return undefined;
  if (name !== 'app') return fs.createWriteStream(path.join(dir, `${name}-${process.pid}-${randomBytes(3).toString('hex')}.log`));
  suiteLog ??= fs.createWriteStream(path.join(dir, `app-${process.pid}.log`), { flags: 'a' });
  return suiteLog;
}
