import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from './config.js';
import os from 'node:os';
import { createContext, recordAudit, type Ctx } from './context.js';
import type { DatabaseConfig } from './db/index.js';
import { backupDatabase, restoreDatabase } from './db/backup.js';
import { openDatabase } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { consoleMessaging } from './modules/notifications/messaging.js';
import { createOrg } from './modules/orgs/orgs.service.js';
import { CreateOrgBody } from './modules/orgs/orgs.schema.js';

const USAGE = `usage: npm run operator -- create-org --name <物业公司> --admin <username>
       npm run backup -- <file>             (while the server runs)
       npm run restore -- <file> [--force]  (into a fresh DATA_DIR or an empty database)
  The admin's password is read from the environment variable ADMIN_PASSWORD (never from the
  command line, where other users of the machine could see it). The database is the server's
  (DATABASE_URL, or the SQLite file under DATA_DIR).`;

/** The operator's command line (平台运营方): creates a property company and its first admin; backs up and restores. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, admin: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const [command, file] = positionals;
  if ((command === 'backup' || command === 'restore') && file && !values.help) {
    const { database } = loadConfig();
    // A backup is every record at once: the trail (the copy's too) says who took it, and where to.
    if (command === 'backup')
      await withOperator(database, (ctx) => recordAudit(ctx, { action: 'export.backup', entity: 'export', entityId: 'backup', changes: { file } }));
    const facts = command === 'backup' ? await backupDatabase(database, file) : await restoreDatabase(database, file, { force: values.force });
    process.stdout.write(`${JSON.stringify({ [command === 'backup' ? 'backedUp' : 'restored']: facts })}\n`);
    return 0;
  }
  if (values.help || command !== 'create-org') {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const input = CreateOrgBody.safeParse({ name: values.name, adminUsername: values.admin, adminPassword: process.env.ADMIN_PASSWORD });
  if (!input.success) {
    process.stderr.write(`${input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${USAGE}\n`);
    return 2;
  }
  const r = await withOperator(loadConfig().database, (ctx) => createOrg(ctx, input.data));
  process.stdout.write(`${JSON.stringify(r)}\n`);
  return 0;
}

/** Runs `fn` on the server's database (brought up to date) as the operator at this machine's command line. */
async function withOperator<T>(config: DatabaseConfig, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const database = openDatabase(config, { guardUnits: loadConfig().unitGuard });
  try {
    await migrateToLatest(database.db);
    const ctx = createContext({
      db: database.db,
      now: () => new Date(),
      log: pino({ level: 'warn' }),
      outboxKick: () => {},
      messaging: consoleMessaging(database.db),
      actor: { kind: 'operator', id: null, name: `cli:${os.userInfo().username}`, orgId: null, ip: null },
    });
    return await fn(ctx);
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
