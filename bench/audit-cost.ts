// npm run bench:audit [-- --db postgres://…] : what the audit line of a parcel move costs the
// database, beside its floor. N units of work each write a parcel event, one at a time, as a move
// does: without an audit line, then with its line in the same statement (insertAlongside), then
// with it as a statement of its own; alternated in rounds, so that the machine's drift hits all
// three alike. Prints units/s of each and the cost of the line.
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../src/server/db/index.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { auditRows } from '../src/server/modules/audit/audit.trail.js';
import { auditLinesInsert } from '../src/server/db/dialect.js';
import { insertEvents } from '../src/server/modules/parcels/parcels.repo.js';
import { scratchPgDatabase } from './support.js';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

const { values } = parseArgs({ options: { db: { type: 'string' }, units: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '5' } } });
const units = Number(values.units);
const out = (line: string) => process.stdout.write(`${line}\n`);
const scratch = values.db ? await scratchPgDatabase(values.db) : undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cost-'));
const database = openDatabase(scratch ? { kind: 'postgres', url: scratch.url } : { kind: 'sqlite', file: path.join(dir, 'db.sqlite') }, { guardUnits: false });
const { db } = database;
try {
  await migrateToLatest(db);
  const org = await db
    .insertInto('orgs')
    .values({ name: 'bench', app_enabled: 1, created_at: new Date().toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const actor = { kind: 'staff' as const, id: 1, name: 'clerk', orgId: org.id, ip: '10.0.0.1' };
  const event = (i: number) => ({
    parcel_id: i,
    org_id: org.id,
    at: new Date().toISOString(),
    actor_kind: 'staff' as const,
    actor_id: 1,
    actor_name: 'clerk',
    from_status: 'pending_receipt' as const,
    to_status: 'awaiting_pickup' as const,
    detail: null,
  });
  const line = (i: number) =>
    auditRows(
      actor,
      [
        {
          action: 'parcel.receive',
          entity: 'parcel',
          entityId: i,
          orgId: org.id,
          changes: { status: ['pending_receipt', 'awaiting_pickup'], shelf_label: 'A-1-0001' },
        },
      ],
      new Date().toISOString(),
    );
  // Parcel events refer to parcels: the events here refer to none, so the key is not checked.
  if (scratch) await db.schema.alterTable('parcel_events').dropConstraint('parcel_events_parcel_id_fkey').execute();
  else await sql`PRAGMA foreign_keys = OFF`.execute(db);
  const ways = {
    'event alone': (i: number) => db.transaction().execute((trx) => insertEvents(trx, [event(i)])),
    'event + line, one statement': (i: number) => db.transaction().execute((trx) => insertEvents(trx, [event(i)], line(i))),
    'event + line, two statements': (i: number) =>
      db.transaction().execute(async (trx) => {
        await insertEvents(trx, [event(i)]);
        await auditLinesInsert(trx, line(i))?.execute();
      }),
  };
  const totals = new Map<string, number>();
  let seq = 1;
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const [name, run] of Object.entries(ways)) {
      const start = performance.now();
      for (let i = 0; i < units; i++) await run(seq++);
      totals.set(name, (totals.get(name) ?? 0) + (performance.now() - start));
    }
  }
  const base = units * Number(values.rounds);
  const alone = base / ((totals.get('event alone') ?? 1) / 1000);
  out(`audit line cost, ${scratch ? 'PostgreSQL' : 'SQLite'}: ${base} units of work a way, one at a time, ${values.rounds} alternating rounds`);
  for (const [name, ms] of totals) {
    const perSecond = base / (ms / 1000);
    out(
      `${name.padEnd(32)} ${Math.round(perSecond).toString().padStart(7)} units/s  ${(ms / base).toFixed(3)} ms each  ${((perSecond / alone - 1) * 100).toFixed(1)} %`,
    );
  }
} finally {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
  await scratch?.drop();
}
