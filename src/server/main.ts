import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { isEmpty, seedDemo } from './demo.js';
import { parserThreads } from './modules/spreadsheets/parse-isolated.js';

/** Start-up: configuration, migrations, demo data on an empty database, then listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const database = openDatabase(config.database, { guardUnits: config.unitGuard });
  await migrateToLatest(database.db);
  const app = await buildApp({ config, database });
  if (config.demoData && (await isEmpty(app.ctx))) {
    const logins = await seedDemo(app.ctx, config.demoData);
    if (config.demoData === 'known') app.log.info('demo data created (logins: see README)');
    else {
      // Shown this once, on the terminal, never in the log: each must be changed at its first sign-in.
      app.log.info('demo data created with random passwords (printed once on standard error)');
      process.stderr.write(
        `\nDemo sign-ins (change each password at the first sign-in):\n${logins.map((l) => `  ${l.username} / ${l.password}`).join('\n')}\n\n`,
      );
    }
  }
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal, drainMs: config.shutdownDrainMs }, 'shutting down');
    // /readyz answers 503 first, so that the proxy sends the next requests elsewhere; then the server
    // stops taking connections, finishes the requests in flight and the outbox batch being sent.
    app.readiness.stopping = true;
    if (config.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    await app.close();
    parserThreads.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void close('SIGTERM'));
  process.once('SIGINT', () => void close('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  parserThreads.warm(); // the first spreadsheet upload then does not wait for a parser to start
  app.log.info({ database: config.database.kind, console: `http://localhost:${config.port}/admin/` }, 'ready');
}

main().catch((err: unknown) => {
  process.stderr.write(`start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
