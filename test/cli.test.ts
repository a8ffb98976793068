import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from './support/app.js';
import { openDatabase } from '../src/server/db/index.js';
import { staffLogin } from './support/factories.js';

function operator(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });
}

describe('the operator command line', () => {
  it('creates an org and its admin, who can then sign in; bad input changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-cli-'));
    try {
      const ok = operator(['create-org', '--name', '华润物业', '--admin', 'boss'], { DATA_DIR: dir, ADMIN_PASSWORD: 'boss-pass-123' });
      expect(ok.status).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ org: { name: '华润物业' }, admin: { username: 'boss' } });

      const noPassword = operator(['create-org', '--name', '另一个物业', '--admin', 'boss2'], { DATA_DIR: dir, ADMIN_PASSWORD: '' });
      expect(noPassword.status).toBe(2);
      expect(noPassword.stderr).toContain('ADMIN_PASSWORD');
      const taken = operator(['create-org', '--name', '另一个物业', '--admin', 'boss'], { DATA_DIR: dir, ADMIN_PASSWORD: 'boss-pass-123' });
      expect(taken.status).toBe(1);

      const database = openDatabase({ kind: 'sqlite', file: path.join(dir, 'kuaidi.sqlite') });
      const t = await buildTestApp({ database });
      try {
        await staffLogin(t.app, 'boss', 'boss-pass-123');
        expect(await database.db.selectFrom('orgs').select('name').execute()).toEqual([{ name: '华润物业' }]);
      } finally {
        await t.close();
        await database.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
