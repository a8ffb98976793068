import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * 数据看板's daily rollups (SPEC §18), kept by triggers in the transaction that changes a parcel
 * or sends a message, so that a year of 100 communities reads thousands of rows, not millions:
 * - `parcel_daily`: per community, Shanghai day, courier (0: none) and carrier, the parcels
 *   received, picked up (with the fees charged and the waivers), rejected and returned that day;
 * - `parcel_dwell`: per community and pickup day, how many parcels waited how long (hour buckets:
 *   each hour up to 48, then 6 hours up to 7 days, then days up to 30, then 30+), and the same
 *   for the whole org under community 0 (a year of 100 communities is 50 times fewer rows so);
 * - `message_daily`: per community (0: a message of no parcel) and day, messages sent by channel.
 * A parcel counts by what its row says (received_at set; status picked_up, rejected, returned):
 * an update takes the old row's share out and puts the new one's in, only for the parts that
 * changed. On PostgreSQL each connection adds to its own shard of a row (its backend pid modulo
 * 16), as parcel_counts does, so concurrent moves in one community do not queue on one row lock.
 */
const COUNTS = ['received', 'picked_up', 'rejected', 'returned', 'fee_fen', 'waived'] as const;
type Count = (typeof COUNTS)[number];

/** The Shanghai day (`2026-01-08`) of a stored instant. */
const dayOf = (pg: boolean, at: string) =>
  pg ? `to_char((${at})::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')` : `strftime('%Y-%m-%d', ${at}, '+8 hours')`;

/** The dwell bucket (its first hour) of a parcel picked up: received (or entered) to picked up. */
function dwellBucket(pg: boolean, r: string): string {
  const from = `coalesce(${r}received_at, ${r}entered_at)`;
  const h = pg
    ? `(floor(extract(epoch FROM (${r}picked_up_at::timestamptz - ${from}::timestamptz)) / 3600)::int)`
    : // julianday's fractions are not exact (an hour can come out 0.99999): rounded to the millisecond first.
      `(CAST((julianday(${r}picked_up_at) - julianday(${from})) * 86400000 + 0.5 AS INTEGER) / 3600000)`;
  return `CASE WHEN ${h} < 48 THEN ${h} WHEN ${h} < 168 THEN 48 + ((${h} - 48) / 6) * 6 WHEN ${h} < 720 THEN (${h} / 24) * 24 ELSE 720 END`;
}

/**
 * SQLite keeps the rows in their key's order (WITHOUT ROWID): a range of an org's days is one run
 * of pages, where a rowid table with an index beside it read each row from elsewhere (2.5× as long
 * for a year). PostgreSQL reads them by the key's index.
 */
function clustered(pg: boolean) {
  return <T extends { modifyEnd(e: RawBuilder<unknown>): T }>(t: T): T => (pg ? t : t.modifyEnd(sql`WITHOUT ROWID`));
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  const int = pg ? 'bigint' : 'integer';
  let daily = db.schema
    .createTable('parcel_daily')
    .addColumn('community_id', int, (c) => c.notNull())
    .addColumn('org_id', int, (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('courier_id', int, (c) => c.notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull());
  for (const col of COUNTS) daily = daily.addColumn(col, int, (c) => c.notNull().defaultTo(0));
  await daily.addPrimaryKeyConstraint('parcel_daily_pk', ['org_id', 'day', 'community_id', 'courier_id', 'carrier', 'shard']).$call(clustered(pg)).execute();
  await db.schema
    .createTable('parcel_dwell')
    .addColumn('community_id', int, (c) => c.notNull())
    .addColumn('org_id', int, (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('hours', 'integer', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('n', int, (c) => c.notNull())
    .addPrimaryKeyConstraint('parcel_dwell_pk', ['org_id', 'day', 'community_id', 'hours', 'shard'])
    .$call(clustered(pg))
    .execute();
  await db.schema
    .createTable('message_daily')
    .addColumn('community_id', int, (c) => c.notNull())
    .addColumn('org_id', int, (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('sent', int, (c) => c.notNull())
    .addPrimaryKeyConstraint('message_daily_pk', ['org_id', 'day', 'community_id', 'channel', 'shard'])
    .$call(clustered(pg))
    .execute();

  const shard = pg ? 'pg_backend_pid() % 16' : '0';
  const day = (at: string) => dayOf(pg, at);
  /** One upsert adding `s` times each value to its column, on the row's day of `at`. */
  const addDaily = (r: string, s: string, at: string, values: Partial<Record<Count, string>>) => {
    const cols = Object.keys(values);
    const vals = Object.values(values).map((v) => `${s} * (${v})`);
    return `INSERT INTO parcel_daily (community_id, org_id, day, courier_id, carrier, shard, ${cols.join(', ')})
      VALUES (${r}.community_id, ${r}.org_id, ${day(`${r}.${at}`)}, coalesce(${r}.courier_id, 0), ${r}.carrier, ${shard}, ${vals.join(', ')})
      ON CONFLICT (org_id, day, community_id, courier_id, carrier, shard) DO UPDATE SET ${cols.map((c) => `${c} = parcel_daily.${c} + excluded.${c}`).join(', ')}`;
  };
  // Each pickup counts twice: in its community's row and in its org's (community 0), which a year of all communities reads.
  const addDwell = (r: string, s: string, community: string) => `INSERT INTO parcel_dwell (community_id, org_id, day, hours, shard, n)
      VALUES (${community}, ${r}.org_id, ${day(`${r}.picked_up_at`)}, ${dwellBucket(pg, `${r}.`)}, ${shard}, ${s})
      ON CONFLICT (org_id, day, community_id, hours, shard) DO UPDATE SET n = parcel_dwell.n + excluded.n`;
  // The parts of a row's share, each with the test of whether the row has it.
  const parts = (r: string, s: string) => [
    { has: `${r}.received_at IS NOT NULL`, run: [addDaily(r, s, 'received_at', { received: '1' })] },
    {
      has: `${r}.status = 'picked_up'`,
      run: [
        addDaily(r, s, 'picked_up_at', { picked_up: '1', fee_fen: `coalesce(${r}.fee_charged_fen, 0)`, waived: `${r}.fee_waived` }),
        addDwell(r, s, `${r}.community_id`),
        addDwell(r, s, '0'),
      ],
    },
    { has: `${r}.status = 'rejected'`, run: [addDaily(r, s, 'rejected_at', { rejected: '1' })] },
    { has: `${r}.status = 'returned'`, run: [addDaily(r, s, 'returned_at', { returned: '1' })] },
  ];
  // What a part reads: when none of it changed, an update leaves that part alone.
  const reads = ['community_id', 'courier_id', 'carrier'];
  const partReads = [
    ['received_at'],
    ['status', 'picked_up_at', 'received_at', 'entered_at', 'fee_charged_fen', 'fee_waived'],
    ['status', 'rejected_at'],
    ['status', 'returned_at'],
  ];
  const changed = (cols: string[], o: string, n: string) => [...reads, ...cols].map((c) => `${o}.${c} IS DISTINCT FROM ${n}.${c}`).join(' OR ');

  if (pg) {
    const block = (r: 'OLD' | 'NEW', s: string, i: number, guard: string) => {
      const p = parts(r, s)[i];
      return p ? `IF ${guard}${p.has} THEN ${p.run.join('; ')}; END IF;` : '';
    };
    const onInsert = [0, 1, 2, 3].map((i) => block('NEW', '1', i, '')).join('\n');
    const onDelete = [0, 1, 2, 3].map((i) => block('OLD', '-1', i, '')).join('\n');
    const onUpdate = [0, 1, 2, 3]
      .map((i) => {
        const when = `(${changed(partReads[i] ?? [], 'OLD', 'NEW')}) AND `;
        return `${block('OLD', '-1', i, when)}\n${block('NEW', '1', i, when)}`;
      })
      .join('\n');
    await sql`CREATE FUNCTION parcel_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${sql.raw(onInsert)}
        ELSIF TG_OP = 'DELETE' THEN ${sql.raw(onDelete)}
        ELSE ${sql.raw(onUpdate)}
        END IF;
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE TRIGGER parcels_stats AFTER INSERT OR UPDATE OR DELETE ON parcels FOR EACH ROW EXECUTE FUNCTION parcel_stats_track()`.execute(db);
    await sql`CREATE FUNCTION message_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'sent' AND OLD.status IS DISTINCT FROM 'sent' AND NEW.sent_at IS NOT NULL THEN ${sql.raw(addMessage('NEW', shard, pg))}; END IF;
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE TRIGGER outbox_stats AFTER UPDATE OF status ON outbox FOR EACH ROW EXECUTE FUNCTION message_stats_track()`.execute(db);
  } else {
    // SQLite: a trigger per part and case, its WHEN the part's test.
    const trigger = async (name: string, event: string, when: string, body: string[]) =>
      sql`CREATE TRIGGER ${sql.raw(name)} AFTER ${sql.raw(event)} ON parcels WHEN ${sql.raw(when)} BEGIN ${sql.raw(body.map((b) => `${b};`).join(' '))} END`.execute(
        db,
      );
    for (const [i, name] of ['received', 'picked_up', 'rejected', 'returned'].entries()) {
      const n = parts('new', '1')[i];
      const o = parts('old', '-1')[i];
      if (!n || !o) continue;
      await trigger(`parcels_stats_${name}_insert`, 'INSERT', n.has, n.run);
      await trigger(`parcels_stats_${name}_delete`, 'DELETE', o.has, o.run);
      const cols = [...new Set([...reads, ...(partReads[i] ?? [])])];
      const when = `(${changed(partReads[i] ?? [], 'old', 'new').replaceAll('IS DISTINCT FROM', 'IS NOT')})`;
      await trigger(`parcels_stats_${name}_update_out`, `UPDATE OF ${cols.join(', ')}`, `${when} AND ${o.has}`, o.run);
      await trigger(`parcels_stats_${name}_update_in`, `UPDATE OF ${cols.join(', ')}`, `${when} AND ${n.has}`, n.run);
    }
    await sql`CREATE TRIGGER outbox_stats AFTER UPDATE OF status ON outbox
      WHEN new.status = 'sent' AND old.status IS NOT 'sent' AND new.sent_at IS NOT NULL
      BEGIN ${sql.raw(addMessage('new', shard, pg))}; END`.execute(db);
  }
  await rebuildStats(db);
}

/** The upsert counting one message sent, under the community of its parcel (0 for none). */
function addMessage(r: string, shard: string, pg: boolean): string {
  return `INSERT INTO message_daily (community_id, org_id, day, channel, shard, sent)
    VALUES (coalesce((SELECT community_id FROM parcels WHERE id = ${r}.parcel_id), 0), ${r}.org_id, ${dayOf(pg, `${r}.sent_at`)}, ${r}.channel, ${shard}, 1)
    ON CONFLICT (org_id, day, community_id, channel, shard) DO UPDATE SET sent = message_daily.sent + 1`;
}

/** The statements that count the rollups again from the parcels and the outbox (into empty tables). */
export function statsRecount(pg: boolean): RawBuilder<unknown>[] {
  const day = (at: string) => dayOf(pg, at);
  const share = (at: string, where: string, values: Partial<Record<Count, string>>) =>
    `SELECT community_id, org_id, ${day(at)} AS day, coalesce(courier_id, 0) AS courier_id, carrier, ${COUNTS.map((c) => `${values[c] ?? '0'} AS ${c}`).join(', ')}
     FROM parcels WHERE ${where}`;
  const union = [
    share('received_at', 'received_at IS NOT NULL', { received: '1' }),
    share('picked_up_at', "status = 'picked_up'", { picked_up: '1', fee_fen: 'coalesce(fee_charged_fen, 0)', waived: 'fee_waived' }),
    share('rejected_at', "status = 'rejected'", { rejected: '1' }),
    share('returned_at', "status = 'returned'", { returned: '1' }),
  ].join(' UNION ALL ');
  const bucket = dwellBucket(pg, '');
  return [
    sql.raw(`INSERT INTO parcel_daily (community_id, org_id, day, courier_id, carrier, shard, ${COUNTS.join(', ')})
      SELECT community_id, org_id, day, courier_id, carrier, 0, ${COUNTS.map((c) => `sum(${c})`).join(', ')} FROM (${union}) s
      GROUP BY community_id, org_id, day, courier_id, carrier`),
    sql.raw(`INSERT INTO parcel_dwell (community_id, org_id, day, hours, shard, n)
      SELECT community_id, org_id, ${day('picked_up_at')}, ${bucket}, 0, count(*) FROM parcels WHERE status = 'picked_up'
      GROUP BY community_id, org_id, ${day('picked_up_at')}, ${bucket}`),
    sql.raw(`INSERT INTO parcel_dwell (community_id, org_id, day, hours, shard, n)
      SELECT 0, org_id, ${day('picked_up_at')}, ${bucket}, 0, count(*) FROM parcels WHERE status = 'picked_up'
      GROUP BY org_id, ${day('picked_up_at')}, ${bucket}`),
    sql.raw(`INSERT INTO message_daily (community_id, org_id, day, channel, shard, sent)
      SELECT coalesce(p.community_id, 0), o.org_id, ${day('o.sent_at')}, o.channel, 0, count(*) FROM outbox o LEFT JOIN parcels p ON p.id = o.parcel_id
      WHERE o.status = 'sent' AND o.sent_at IS NOT NULL GROUP BY coalesce(p.community_id, 0), o.org_id, ${day('o.sent_at')}, o.channel`),
  ];
}

/** Counts the rollups again from the parcels and the outbox (after a bulk load that went around the triggers). */
export async function rebuildStats(db: Kysely<unknown>): Promise<void> {
  for (const t of ['parcel_daily', 'parcel_dwell', 'message_daily']) await sql`DELETE FROM ${sql.table(t)}`.execute(db);
  for (const q of statsRecount(isPostgres(db))) await q.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP TRIGGER parcels_stats ON parcels`.execute(db);
    await sql`DROP FUNCTION parcel_stats_track()`.execute(db);
    await sql`DROP TRIGGER outbox_stats ON outbox`.execute(db);
    await sql`DROP FUNCTION message_stats_track()`.execute(db);
  } else {
    for (const name of ['received', 'picked_up', 'rejected', 'returned']) {
      for (const k of ['insert', 'delete', 'update_out', 'update_in']) await sql`DROP TRIGGER ${sql.raw(`parcels_stats_${name}_${k}`)}`.execute(db);
    }
    await sql`DROP TRIGGER outbox_stats`.execute(db);
  }
  for (const t of ['message_daily', 'parcel_dwell', 'parcel_daily']) await db.schema.dropTable(t).execute();
}
