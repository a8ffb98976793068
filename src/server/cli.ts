import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from './config.js';
import { createContext } from './context.js';
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
  const config = loadConfig();
  const database = openDatabase(config.database, { guardUnits: config.unitGuard });
  try {
    await migrateToLatest(database.db);
    const ctx = createContext({
      db: database.db,
      now: () => new Date(),
      log: pino({ level: 'warn' }),
      outboxKick: () => {},
      messaging: consoleMessaging(database.db),
    });
    const r = await createOrg(ctx, input.data);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
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
