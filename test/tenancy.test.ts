// Tenancy (issue 17, point 5; the plan is docs/SCALING.md): is the schema, and is every query, ready
// to be distributed by org_id (PostgreSQL with Citus)? Three checks, each against what is really
// there rather than against a hand list of what we believe is there:
//   1. every table of the migrated database's catalog has an org_id column, or is named in
//      NON_TENANT with its reason: a new table is a tenant table until someone says otherwise;
//   2. the keys Citus has to enforce inside one shard carry the distribution column: unique keys of
//      distributed tables, foreign keys between distributed tables (KEY_GAPS lists today's gaps);
//   3. every Kysely query on a tenant table in src/server (selectFrom, updateTable, deleteFrom, and
//      raw sql`… FROM …`) filters on org_id, and every join to a distributed tenant table carries
//      org_id; QUERY_EXCEPTIONS lists the rest, each with its reason.
// Each list is checked both ways: an entry that no longer matches anything fails too, so that a
// gap closed in the code is crossed off here and in SCALING.md.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database_ } from '../src/server/db/index.js';
import { testDatabase } from './support/app.js';

const TODO = 'to do (SCALING.md)';

/** Where a table goes on a Citus cluster (SCALING.md, "Every table"). */
type Placement =
  /** create_reference_table: a full copy on every node; joins to it need no org_id. */
  | { kind: 'reference' }
  /** create_distributed_table(table, by): by org_id, co-located with parcels; by another key, a group of its own. */
  | { kind: 'distributed'; by: string }
  /** Stays on the coordinator alone. */
  | { kind: 'local' }
  /** Exists on SQLite only. */
  | { kind: 'sqlite-only' };

const byOrg: Placement = { kind: 'distributed', by: 'org_id' };

/** The tables without an org_id column, and why. Anything else in the catalog must have one. */
const NON_TENANT: Record<string, { placement: Placement; why: string }> = {
  orgs: { placement: { kind: 'reference' }, why: 'the tenant itself: its id is the org_id of every other table' },
  courier_accounts: {
    placement: { kind: 'reference' },
    why: 'one sign-in per courier phone, across every org the courier delivers for (SPEC §6); small, written at registration',
  },
  staff_communities: {
    placement: { kind: 'reference' },
    why: 'a clerk’s communities, read by the staff_id of a member already found in their org or signed in; replicated with staff',
  },
  sessions: {
    placement: { kind: 'distributed', by: 'id' },
    why: 'staff, courier and resident sessions (couriers and residents belong to no one org), found by the hash of a random token',
  },
  otp_codes: { placement: { kind: 'distributed', by: 'phone' }, why: 'sign-in codes of courier and resident phones, before any org is known' },
  rate_counters: { placement: { kind: 'distributed', by: 'key' }, why: 'limits per phone and per address, across orgs' },
  wechat_bindings: { placement: { kind: 'distributed', by: 'phone' }, why: 'a phone’s WeChat openid, whichever org writes to that phone' },
  household_members: {
    placement: { kind: 'distributed', by: 'owner_phone' },
    why: 'a resident’s authorized phones (家人代领), across every org the resident has parcels in',
  },
  dev_messages: { placement: { kind: 'local' }, why: 'the console provider’s inbox, for development; no production data' },
  kysely_migration: { placement: { kind: 'local' }, why: 'schema migrations bookkeeping, run on the coordinator' },
  kysely_migration_lock: { placement: { kind: 'local' }, why: 'schema migrations bookkeeping, run on the coordinator' },
  parcel_search: {
    placement: { kind: 'sqlite-only' },
    why: 'SQLite’s FTS5 index of parcels (rowid = parcels.id), read only inside a query filtered on parcels.org_id',
  },
  // Tenant rows that do not carry their org yet: each gets org_id before the move.
  shelf_serials: { placement: byOrg, why: `${TODO}: a community’s label serials` },
  desk_idempotency_keys: { placement: byOrg, why: `${TODO}: a desk intake’s stored answer, per staff member` },
  idempotency_keys: { placement: byOrg, why: `${TODO}: a courier entry’s stored answer, per courier account` },
};

/** Tenant tables (they have org_id) that are small and rarely written: replicated rather than distributed. */
const REFERENCE_TENANT: Record<string, string> = {
  communities: 'every parcel, courier and resident joins its community; a few per org, written by admins',
  staff: 'sign-in finds a member by user name alone, unique across orgs (a distributed table cannot enforce that); a few per org',
  api_keys: 'an open API call finds its key by the hash alone, before its org is known; a few per org, written by admins',
  webhooks: 'the subscriptions every move of the org reads; a few per org, written by admins',
};

/**
 * Keys on distributed tables that Citus could not enforce inside one shard, as the catalog shows
 * them today; all of them are work to do before the move (SCALING.md, "Keys"). Reference tables
 * (communities, staff, …) keep their keys as they are.
 */
const KEY_GAPS: string[] = [
  // The bigserial primary keys become (org_id, id); on SQLite id stays the rowid, with a unique (org_id, id) beside it.
  'unique couriers(id)',
  'unique outbox(id)',
  'unique parcel_events(id)',
  'unique parcels(id)',
  'unique residents(id)',
  'unique shelves(id)',
  'unique pre_advice(id)',
  'unique parcel_proofs(id)',
  'unique webhook_attempts(id)',
  'unique audit_log(id)',
  'unique webhook_deliveries(id)',
  'unique payments(id)',
  'unique deliveries(id)',
  'unique shipments(id)',
  'unique preferences(id)',
  'unique preference_changes(id)',
  // WeChat Pay's notice names our order number only: it becomes (org_id, out_trade_no), the number carrying its org.
  'unique payments(out_trade_no)',
  // Unique per community today; per (org_id, community_id, …) is the same rule, as a community is in one org.
  'unique couriers(community_id, phone)',
  'unique parcel_counts(community_id, status, shard)',
  'unique parcels(community_id, pickup_code)',
  'unique parcels(community_id, shelf_label)',
  'unique parcels(community_id, tracking_no)',
  'unique residents(community_id, phone, building, unit, room)',
  'unique shelves(community_id, code)',
  'unique pre_advice(community_id, tracking_no)',
  // A webhook's once-only key: (org_id, webhook_id, event_id).
  'unique webhook_deliveries(webhook_id, event_id)',
  // The outbox's once-only keys: (org_id, event_id, channel) and (org_id, dedupe_key).
  'unique outbox(dedupe_key)',
  'unique outbox(event_id, channel)',
  // The tables that get org_id (NON_TENANT, to do) take it into their primary keys.
  'unique desk_idempotency_keys(staff_id, key)',
  'unique idempotency_keys(courier_account_id, key)',
  'unique shelf_serials(community_id, day)',
  // otp_codes goes by phone: its key becomes (phone, id).
  'unique otp_codes(id)',
  // household_members goes by owner_phone: its key becomes (owner_phone, id).
  'unique household_members(id)',
  // Between two distributed tables a foreign key must carry org_id on both sides. Citus refuses ON
  // DELETE SET NULL on such a key (citusdata/citus#7132), so the three SET NULL ones become NO ACTION,
  // with the service clearing the reference in the same transaction.
  'foreign parcel_events(parcel_id) → parcels',
  'foreign parcels(courier_id) → couriers',
  'foreign parcels(resident_id) → residents',
  'foreign parcels(shelf_id) → shelves',
];

/**
 * Queries on tenant tables without an org_id condition (file#function kind(table)), and why.
 * Justified ones say why they reach across orgs; the others are gaps, listed in SCALING.md.
 */
const QUERY_EXCEPTIONS: Record<string, string> = {
  // Across orgs by design: each is a multi-shard query on Citus (or reads reference tables only).
  'app.ts#buildApp selectFrom(orgs)': '/healthz: whether the database answers (any row of a reference table)',
  'demo.ts#isEmpty selectFrom(orgs)': 'first start: whether the database has any org yet',
  'modules/ops/ops.repo.ts#ping selectFrom(orgs)': 'readiness: whether the database answers',
  'modules/ops/ops.repo.ts#outboxBacklog selectFrom(outbox)': 'the operator’s backlog metric over every org: one multi-shard count per scrape',
  'db/search.ts#parcelSearch sql(parcels)': 'SQLite only (the FTS5 branch), inside the list query that filters parcels.org_id',
  'modules/auth/auth.repo.ts#findStaffByUsername selectFrom(staff)':
    'sign-in: the user name is unique across orgs and gives the org (staff is a reference table)',
  'modules/auth/auth.repo.ts#courierNamesForPhone selectFrom(couriers)':
    'courier registration matches the phone in every org (SPEC §6): multi-shard, once per registration',
  'modules/couriers/couriers.repo.ts#communitiesOfCourierPhone selectFrom(couriers)': 'the courier app lists every community of the phone, in any org',
  'modules/parcels/parcels.repo.ts#listOwnParcels selectFrom(parcels)': 'a courier’s or a resident’s own parcels, in any org (SPEC §6, §8): multi-shard',
  'modules/notifications/notifications.repo.ts#remindableCommunities selectFrom(communities)': 'the daily reminders go over every org (reference tables)',
  'modules/parcels/parcels.repo.ts#deleteIdempotentBefore deleteFrom(idempotency_keys)': 'housekeeping: an hourly sweep by time over every shard',
  'modules/station/station.repo.ts#deleteDeskIdempotentBefore deleteFrom(desk_idempotency_keys)': 'housekeeping: an hourly sweep by time over every shard',
  'modules/shelves/shelves.repo.ts#deleteSerialsBefore deleteFrom(shelf_serials)': 'housekeeping: an hourly sweep by time over every shard',
  'modules/integrations/integrations.repo.ts#deletePreAdviceBefore deleteFrom(pre_advice)': 'housekeeping: an hourly sweep by time over every shard',
  'modules/webhooks/webhooks.repo.ts#deleteDeliveriesBefore deleteFrom(webhook_attempts)': 'housekeeping: an hourly sweep by time over every shard',
  'modules/webhooks/webhooks.repo.ts#deleteDeliveriesBefore deleteFrom(webhook_deliveries)': 'housekeeping: an hourly sweep by time over every shard',
  'modules/webhooks/webhooks.repo.ts#deleteDeliveriesBefore selectFrom(webhook_deliveries)': 'housekeeping: an hourly sweep by time over every shard',
  'modules/parcels/parcels.repo.ts#awaitingFor selectFrom(parcels)':
    'a proxy’s view of the parcels of the residents who authorized it, in any org (SPEC §15): multi-shard',
  'modules/exceptions/exceptions.repo.ts#staleCommunities selectFrom(communities)': 'the hourly stale sweep goes over every org (a reference table)',
  'modules/exceptions/exceptions.repo.ts#returnsFor selectFrom(parcels)':
    'a courier’s 待取回, in any org they deliver for (SPEC §6): multi-shard, as listOwnParcels',
  'modules/deliveries/deliveries.repo.ts#deliveriesOfResident selectFrom(deliveries)':
    'a resident’s own door deliveries, in any org (SPEC §16): multi-shard, as listOwnParcels',
  'modules/preferences/preferences.repo.ts#preferencesOfPhone selectFrom(preferences)':
    'the resident app’s 收件偏好: the phone’s preferences in every org it has a community in (SPEC §19): multi-shard, as listOwnParcels',
  'modules/shipments/shipments.repo.ts#shipmentsOfSender selectFrom(shipments)':
    'a resident’s own sending orders, in any org (SPEC §16): multi-shard, as listOwnParcels',
  'modules/communities/communities.repo.ts#communitiesOfResident selectFrom(communities)':
    'the resident app’s communities: where the phone has parcels or a home, in any org (SPEC §8): multi-shard, as listOwnParcels',
  'modules/communities/communities.repo.ts#communitiesOfResident selectFrom(parcels)': 'the same: the phone’s parcels in any org',
  'modules/communities/communities.repo.ts#communitiesOfResident selectFrom(residents)': 'the same: the phone’s homes in any org',
  'modules/shipments/shipments.repo.ts#communityOf selectFrom(communities)':
    'a resident files a sending order with any community; the row gives its org (a reference table)',
  'modules/payments/payments.repo.ts#paymentByTradeNo selectFrom(payments)':
    'WeChat Pay’s notice names the order number alone: multi-shard until the number carries its org',
  'modules/payments/payments.repo.ts#openPaymentsBefore selectFrom(payments)': 'the payment sweep (every minute) over every org: open orders by time',
  'modules/payments/payments.repo.ts#refundsPending selectFrom(payments)': 'the payment sweep over every org: refunds whose call failed',
  'modules/integrations/integrations.repo.ts#keyByHash selectFrom(api_keys)': 'an open API call: the key’s hash gives the org (api_keys is a reference table)',
  // The outbox worker leases across orgs by design, but FOR UPDATE SKIP LOCKED runs on one shard only:
  // the lease goes org by org, and the marks carry the org of the leased row (SCALING.md, "Outbox").
  'modules/notifications/notifications.repo.ts#leaseDue selectFrom(outbox)': TODO,
  'modules/notifications/notifications.repo.ts#leaseDue updateTable(outbox)': TODO,
  'modules/notifications/notifications.repo.ts#releaseLeases updateTable(outbox)': TODO,
  'modules/notifications/notifications.repo.ts#markSent updateTable(outbox)': TODO,
  'modules/notifications/notifications.repo.ts#markRetry updateTable(outbox)': TODO,
  'modules/notifications/notifications.repo.ts#markFailed updateTable(outbox)': TODO,
  // The webhooks' outbox, as the notifications' one.
  'modules/webhooks/webhooks.repo.ts#leaseDue selectFrom(webhook_deliveries)': TODO,
  'modules/webhooks/webhooks.repo.ts#leaseDue updateTable(webhook_deliveries)': TODO,
  'modules/webhooks/webhooks.repo.ts#releaseLeases updateTable(webhook_deliveries)': TODO,
  // SMS caps per phone over every org: today a multi-shard count before each SMS; a counter by phone instead.
  'modules/notifications/notifications.repo.ts#smsSentCounts selectFrom(outbox)': TODO,
  // By a community alone: the caller knows the org (the staff member's scope, the courier record, the community row).
  'modules/notifications/notifications.repo.ts#overdueParcels selectFrom(parcels)': TODO,
  'modules/parcels/parcels.repo.ts#awaitingBy selectFrom(parcels)': TODO,
  'modules/parcels/parcels.repo.ts#findLatestByTracking selectFrom(parcels)': TODO,
  'modules/parcels/parcels.repo.ts#findOpenByTracking selectFrom(parcels)': TODO,
  'modules/parcels/parcels.repo.ts#latestRecipientByTracking selectFrom(parcels)': TODO,
  'modules/parcels/parcels.repo.ts#pickupCodeInUse selectFrom(parcels)': TODO,
  'modules/couriers/couriers.repo.ts#courierRecordIn selectFrom(couriers)': TODO,
  'modules/couriers/couriers.repo.ts#couriersByKeys selectFrom(couriers)': TODO,
  'modules/residents/residents.repo.ts#residentByPhone selectFrom(residents)': TODO,
  'modules/residents/residents.repo.ts#residentsByPhoneTail selectFrom(residents)': TODO,
  'modules/residents/residents.repo.ts#residentsByPhones selectFrom(residents)': TODO,
  'modules/shelves/shelves.repo.ts#labelInUse selectFrom(parcels)': TODO,
  'modules/shelves/shelves.repo.ts#listShelves selectFrom(shelves)': TODO,
  'modules/shelves/shelves.repo.ts#shelfLayers selectFrom(shelves)': TODO,
  // A join or a correlated subquery on shelf_id alone: Citus pushes them down only on the distribution column.
  'modules/shelves/shelves.repo.ts#shelfLayers leftJoin(parcels)': TODO,
  'modules/shelves/shelves.repo.ts#occupiedOf sql(parcels)': TODO,
  // By id alone (the service checked the org with an earlier read, or the id came from the session).
  'modules/auth/auth.repo.ts#findStaffById selectFrom(staff)': TODO,
  'modules/auth/auth.repo.ts#setStaffPassword updateTable(staff)': TODO,
  'modules/staff/staff.repo.ts#updateStaff updateTable(staff)': TODO,
  'modules/communities/communities.repo.ts#updateCommunity updateTable(communities)': TODO,
  'modules/couriers/couriers.repo.ts#updateCourier updateTable(couriers)': TODO,
  'modules/couriers/couriers.repo.ts#deleteCourier deleteFrom(couriers)': TODO,
  'modules/residents/residents.repo.ts#updateResident updateTable(residents)': TODO,
  'modules/residents/residents.repo.ts#deleteResident deleteFrom(residents)': TODO,
  'modules/parcels/parcels.repo.ts#getParcel selectFrom(parcels)': TODO,
  // A resident's payment, delivery or shipment by its id (residents belong to no org), then checked to be theirs; the desk's checked against its scope.
  'modules/payments/payments.repo.ts#paymentById selectFrom(payments)': TODO,
  'modules/deliveries/deliveries.repo.ts#deliveryById selectFrom(deliveries)': TODO,
  'modules/shipments/shipments.repo.ts#shipmentById selectFrom(shipments)': TODO,
  'modules/parcels/parcels.repo.ts#getParcels selectFrom(parcels)': TODO,
  'modules/parcels/parcels.repo.ts#parcelsByIds selectFrom(parcels)': TODO,
  'modules/parcels/parcels.repo.ts#updateParcelIf updateTable(parcels)': TODO,
  'modules/parcels/parcels.repo.ts#eventsOf selectFrom(parcel_events)': TODO,
  'modules/shelves/shelves.repo.ts#updateShelf updateTable(shelves)': TODO,
  'modules/shelves/shelves.repo.ts#deleteEmptyShelf deleteFrom(shelves)': TODO,
  'modules/shelves/shelves.repo.ts#deleteEmptyShelf selectFrom(parcels)': TODO,
  'modules/shelves/shelves.repo.ts#layerCounts selectFrom(parcels)': TODO,
  // By the key of a table that gets org_id (NON_TENANT, to do).
  'modules/parcels/parcels.repo.ts#findIdempotent selectFrom(idempotency_keys)': TODO,
  'modules/station/station.repo.ts#findDeskIdempotent selectFrom(desk_idempotency_keys)': TODO,
};

// ---------------------------------------------------------------------------------------------
// The catalog

interface Catalog {
  /** Every table, with its columns. */
  tables: Map<string, string[]>;
  uniqueKeys: { table: string; columns: string[] }[];
  foreignKeys: { table: string; columns: string[]; ref: string }[];
}

async function readCatalog(database: Database_): Promise<Catalog> {
  const db = database.db;
  if (database.dialect === 'postgres') {
    const tables = await sql<{ name: string; columns: string[] }>`
      SELECT c.table_name::text AS name, array_agg(c.column_name::text ORDER BY c.ordinal_position) AS columns
      FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      GROUP BY c.table_name`.execute(db);
    // An expression in an index (lower(username)) has attnum 0: no column, shown as 'expr'.
    const uniqueKeys = await sql<{ table: string; columns: string[] }>`
      SELECT t.relname::text AS table,
        array(SELECT coalesce(a.attname::text, 'expr') FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(n, o)
          LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) AS columns
      FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ix.indisunique AND ns.nspname = current_schema()`.execute(db);
    const foreignKeys = await sql<{ table: string; columns: string[]; ref: string }>`
      SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref,
        array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns
      FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace
      WHERE c.contype = 'f' AND ns.nspname = current_schema()`.execute(db);
    return { tables: new Map(tables.rows.map((r) => [r.name, r.columns])), uniqueKeys: uniqueKeys.rows, foreignKeys: foreignKeys.rows };
  }
  const master = (await sql<{ name: string; sql: string | null }>`SELECT name, sql FROM sqlite_master WHERE type = 'table'`.execute(db)).rows;
  // sqlite_* tables are SQLite's own (sqlite_sequence, kept for AUTOINCREMENT); a virtual table's
  // shadow tables (parcel_search_data, …) are its storage, not tables of ours.
  const virtual = master.filter((r) => /^CREATE VIRTUAL TABLE/i.test(r.sql ?? '')).map((r) => r.name);
  const names = master.map((r) => r.name).filter((n) => !n.startsWith('sqlite_') && !virtual.some((v) => n.startsWith(`${v}_`)));
  const catalog: Catalog = { tables: new Map(), uniqueKeys: [], foreignKeys: [] };
  for (const table of names) {
    const columns = (await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${table}) ORDER BY cid`.execute(db)).rows;
    catalog.tables.set(
      table,
      columns.map((c) => c.name),
    );
    // The primary key (an INTEGER PRIMARY KEY is the rowid and has no index of its own).
    const pk = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    if (pk.length > 0) catalog.uniqueKeys.push({ table, columns: pk.map((c) => c.name) });
    for (const index of (await sql<{ name: string }>`SELECT name FROM pragma_index_list(${table}) WHERE "unique" = 1`.execute(db)).rows) {
      const parts = (await sql<{ name: string | null }>`SELECT name FROM pragma_index_info(${index.name}) ORDER BY seqno`.execute(db)).rows;
      catalog.uniqueKeys.push({ table, columns: parts.map((p) => p.name ?? 'expr') });
    }
    const fks = (
      await sql<{ id: number; table: string; from: string }>`SELECT id, "table", "from" FROM pragma_foreign_key_list(${table}) ORDER BY id, seq`.execute(db)
    ).rows;
    for (const id of new Set(fks.map((f) => f.id))) {
      const parts = fks.filter((f) => f.id === id);
      catalog.foreignKeys.push({ table, columns: parts.map((p) => p.from), ref: parts[0]?.table ?? '' });
    }
  }
  return catalog;
}

/** Where a table of the catalog goes: as NON_TENANT or REFERENCE_TENANT say, else distributed by org_id. */
function placementOf(table: string): Placement {
  return NON_TENANT[table]?.placement ?? (REFERENCE_TENANT[table] !== undefined ? { kind: 'reference' } : byOrg);
}

/** The keys that Citus could not enforce on one shard (see KEY_GAPS). */
function keyGaps(catalog: Catalog): string[] {
  const gaps = new Set<string>();
  for (const { table, columns } of catalog.uniqueKeys) {
    const p = placementOf(table);
    if (p.kind === 'distributed' && !columns.includes(p.by)) gaps.add(`unique ${table}(${columns.join(', ')})`);
  }
  for (const { table, columns, ref } of catalog.foreignKeys) {
    const from = placementOf(table);
    const to = placementOf(ref);
    // To a reference table: always fine. Between distributed tables: only co-located (both by
    // org_id) and with org_id on both sides. From a reference or local table to a distributed one: never.
    if (to.kind !== 'distributed') continue;
    const colocated = from.kind === 'distributed' && from.by === 'org_id' && to.by === 'org_id' && columns.includes('org_id');
    if (!colocated) gaps.add(`foreign ${table}(${columns.join(', ')}) → ${ref}`);
  }
  return [...gaps].sort();
}

// ---------------------------------------------------------------------------------------------
// The query scan

interface Tenancy {
  /** The column that names a table's org (org_id; id for orgs), or undefined for a table of no org. */
  keyOf(table: string): string | undefined;
  /** Whether the table is spread over shards by org_id (a join to it must carry org_id). */
  distributed(table: string): boolean;
}

const QUERY_STARTS = new Set(['selectFrom', 'updateTable', 'deleteFrom']);
const JOINS = new Set(['innerJoin', 'leftJoin', 'rightJoin', 'fullJoin']);
const TERMINAL = new Set(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow', 'stream', 'compile']);

interface Step {
  method: string;
  call: ts.CallExpression;
}

/** The calls chained onto `start` (`start.where(…).select(…)…`) and the chain's last expression. */
function chainOf(start: ts.Expression): { steps: Step[]; end: ts.Expression } {
  const steps: Step[] = [];
  let end = start;
  for (;;) {
    const access = end.parent;
    if (!access || !ts.isPropertyAccessExpression(access) || access.expression !== end) break;
    const call = access.parent;
    if (!call || !ts.isCallExpression(call) || call.expression !== access) break;
    steps.push({ method: access.name.text, call });
    end = call;
  }
  return { steps, end };
}

/** The table (and alias) a selectFrom/updateTable/deleteFrom/join names by a literal ('parcels as p'), if it does. */
function tableOf(call: ts.CallExpression): { table: string; alias: string } | undefined {
  const [first] = call.arguments;
  if (!first || !ts.isStringLiteralLike(first)) return undefined;
  const [table = '', alias] = first.text.trim().split(/\s+as\s+/i);
  return { table, alias: alias ?? table };
}

/** The name of the top-level function (or const) a node sits in: the key of its findings. */
function functionOf(node: ts.Node): string {
  let n = node;
  while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
  if (ts.isFunctionDeclaration(n) && n.name) return n.name.text;
  if (ts.isVariableStatement(n)) {
    const name = n.declarationList.declarations[0]?.name;
    if (name && ts.isIdentifier(name)) return name.text;
  }
  return '(top level)';
}

/** When `end` is what a named local function returns (a query builder handed on), that function and where it is visible. */
function helperOf(end: ts.Expression): { name: string; scope: ts.Node } | undefined {
  const returned = end.parent;
  let fn: ts.Node | undefined;
  if (returned && ts.isArrowFunction(returned) && returned.body === end) fn = returned;
  else if (returned && ts.isReturnStatement(returned)) {
    fn = returned.parent;
    while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
  }
  if (!fn) return undefined;
  if (ts.isFunctionDeclaration(fn) && fn.name) return { name: fn.name.text, scope: fn.parent };
  const declaration = fn.parent;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && declaration && ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name)) {
    return { name: declaration.name.text, scope: declaration.parent.parent.parent };
  }
  return undefined;
}

/** The calls of a function by name within a scope. */
function callsOf(name: string, scope: ts.Node): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name) found.push(n);
    n.forEachChild(visit);
  };
  visit(scope);
  return found;
}

/** Whether a step is an unconditional `.where(…)` on the column (of any table: a joined table filtered on it counts). */
function filtersOn(step: Step, column: string): boolean {
  const [first] = step.call.arguments;
  if (step.method !== 'where' || !first) return false;
  if (ts.isStringLiteralLike(first)) return first.text === column || first.text.endsWith(`.${column}`);
  return new RegExp(`\\b${column}\\b`).test(first.getText());
}

/**
 * The queries of one source file that do not filter on their tenant table's org, as
 * `file#function kind(table)`. A `.where` inside `$if` is conditional and does not count. A query
 * builder returned by a local helper (`parcels(db)`, `base()`) is followed to each call of the helper.
 */
function scanSource(file: string, text: string, tenancy: Tenancy): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings = new Set<string>();
  const report = (node: ts.Node, kind: string, table: string) => findings.add(`${file}#${functionOf(node)} ${kind}(${table})`);

  const follow = (start: ts.Expression, root: { kind: string; table: string; key: string | undefined }, before: Step[], depth: number): void => {
    const { steps, end } = chainOf(start);
    const all = [...before, ...steps];
    // A query on a table of no org (sessions) is checked for its joins only.
    if (root.key !== undefined && !all.some((s) => filtersOn(s, root.key ?? ''))) {
      const helper = steps.some((s) => TERMINAL.has(s.method)) ? undefined : helperOf(end);
      const sites = helper && depth < 5 ? callsOf(helper.name, helper.scope) : [];
      if (sites.length > 0) {
        for (const site of sites) follow(site, root, all, depth + 1);
        return;
      }
      report(start, root.kind, root.table);
    }
    for (const s of all) {
      const joined = JOINS.has(s.method) ? tableOf(s.call) : undefined;
      if (!joined || !tenancy.distributed(joined.table)) continue;
      const onOrg = s.call.arguments.some((a) => /\borg_id\b/.test(a.getText()));
      if (!onOrg && !all.some((w) => filtersOn(w, 'org_id') && (w.call.arguments[0]?.getText() ?? '').includes(`${joined.alias}.org_id`))) {
        report(s.call, s.method, joined.table);
      }
    }
  };

  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      const target = QUERY_STARTS.has(name) ? tableOf(n) : undefined;
      if (target) follow(n, { kind: name, table: target.table, key: tenancy.keyOf(target.table) }, [], 0);
    }
    if (ts.isTaggedTemplateExpression(n) && ts.isIdentifier(n.tag) && n.tag.text === 'sql') {
      const body = n.template.getText();
      for (const [, table = ''] of body.matchAll(/\b(?:from|join|update)\s+([a-z_][a-z0-9_]*)/gi)) {
        if (tenancy.keyOf(table) && !/\borg_id\b/.test(body)) report(n, 'sql', table);
      }
    }
    n.forEachChild(visit);
  };
  visit(source);
  return [...findings];
}

/** Every .ts file of the server but tests and migrations (DDL and one-off backfills, run once on the coordinator). */
function serverSources(dir = 'src/server'): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p.endsWith(path.join('db', 'migrations')) ? [] : serverSources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

// ---------------------------------------------------------------------------------------------

let database: Database_;
let catalog: Catalog;

beforeAll(async () => {
  database = await testDatabase();
  catalog = await readCatalog(database);
});

afterAll(async () => {
  await database?.close();
});

/** The tables that name their org: those with org_id, orgs itself, and the ones that will get org_id. */
function tenancyOf(c: Catalog): Tenancy {
  return {
    keyOf: (table) => {
      if (table === 'orgs') return 'id';
      if (c.tables.get(table)?.includes('org_id')) return 'org_id';
      return NON_TENANT[table]?.why.startsWith(TODO) ? 'org_id' : undefined;
    },
    distributed: (table) => {
      const p = placementOf(table);
      return p.kind === 'distributed' && p.by === 'org_id';
    },
  };
}

describe('tenancy: ready to distribute by org_id (docs/SCALING.md)', () => {
  it('every table has org_id, or is named as a table of no org with its reason', () => {
    const here = database.dialect;
    const tables = [...catalog.tables.keys()].sort();
    expect(tables.length).toBeGreaterThan(15);
    const unplaced = tables.filter((t) => !catalog.tables.get(t)?.includes('org_id') && !NON_TENANT[t]);
    expect(unplaced, 'tables without org_id: add the column, or name them in NON_TENANT with the reason').toEqual([]);
    // The list stays true: each entry is a table of this catalog that really has no org_id.
    const stale = Object.entries(NON_TENANT)
      .filter(([, e]) => !(e.placement.kind === 'sqlite-only' && here !== 'sqlite'))
      .filter(([t]) => !catalog.tables.has(t) || catalog.tables.get(t)?.includes('org_id'))
      .map(([t]) => t);
    expect(stale, 'NON_TENANT entries that are gone or have org_id now (and SCALING.md)').toEqual([]);
    expect(Object.keys(REFERENCE_TENANT).filter((t) => !catalog.tables.get(t)?.includes('org_id'))).toEqual([]);
  });

  it('the keys of distributed tables carry the distribution column, but for the gaps SCALING.md lists', () => {
    expect(catalog.uniqueKeys.length).toBeGreaterThan(20);
    expect(catalog.foreignKeys.length).toBeGreaterThan(10);
    expect(keyGaps(catalog)).toEqual([...KEY_GAPS].sort());
  });

  it('every query on a tenant table filters on org_id, but for the exceptions listed with their reasons', () => {
    const tenancy = tenancyOf(catalog);
    const files = serverSources();
    expect(files.filter((f) => f.endsWith('.repo.ts')).length).toBeGreaterThanOrEqual(10);
    const findings = files.flatMap((f) => scanSource(path.relative('src/server', f), fs.readFileSync(f, 'utf8'), tenancy)).sort();
    const unexplained = findings.filter((f) => !(f in QUERY_EXCEPTIONS));
    expect(unexplained, 'queries without an org_id condition: add one, or list them in QUERY_EXCEPTIONS (and SCALING.md)').toEqual([]);
    const stale = Object.keys(QUERY_EXCEPTIONS).filter((k) => !findings.includes(k));
    expect(stale, 'QUERY_EXCEPTIONS that match no query any more: cross them off (and in SCALING.md)').toEqual([]);
  });

  it('the scan finds a query without org_id, through helpers, in $if, in joins and in raw SQL', () => {
    const fixture = `
      import { sql } from 'kysely';
      export function filtered(db, orgId, id) { return db.selectFrom('parcels').where('parcels.org_id', '=', orgId).where('id', '=', id).execute(); }
      export function byIdAlone(db, id) { return db.updateTable('parcels').set({ damaged: 1 }).where('id', '=', id).execute(); }
      export function conditional(db, orgId) { return db.selectFrom('parcels').$if(orgId !== undefined, (qb) => qb.where('org_id', '=', orgId)).execute(); }
      function helper(db) { return db.selectFrom('parcels'); }
      export function viaHelper(db, orgId) { return helper(db).where('org_id', '=', orgId).execute(); }
      export function viaHelperAlone(db) { const base = () => helper(db).selectAll(); return base().execute(); }
      export function joined(db, orgId) { return db.selectFrom('shelves').leftJoin('parcels', 'parcels.shelf_id', 'shelves.id').where('shelves.org_id', '=', orgId).execute(); }
      export function joinedOnOrg(db, orgId) { return db.selectFrom('shelves').leftJoin('parcels', (j) => j.onRef('parcels.org_id', '=', 'shelves.org_id')).where('shelves.org_id', '=', orgId).execute(); }
      export function global(db, phone) { return db.selectFrom('otp_codes').where('phone', '=', phone).execute(); }
      export function globalJoined(db, id) { return db.selectFrom('sessions').innerJoin('parcels', 'parcels.id', 'sessions.parcel_id').where('sessions.id', '=', id).execute(); }
      export const occupied = sql\`(select count(*) from parcels where parcels.shelf_id = 1)\`;
    `;
    const tenancy: Tenancy = {
      keyOf: (t) => (t === 'parcels' || t === 'shelves' ? 'org_id' : undefined),
      distributed: (t) => t === 'parcels' || t === 'shelves',
    };
    expect(scanSource('x.repo.ts', fixture, tenancy).sort()).toEqual([
      'x.repo.ts#byIdAlone updateTable(parcels)',
      'x.repo.ts#conditional selectFrom(parcels)',
      'x.repo.ts#globalJoined innerJoin(parcels)',
      'x.repo.ts#joined leftJoin(parcels)',
      'x.repo.ts#occupied sql(parcels)',
      'x.repo.ts#viaHelperAlone selectFrom(parcels)',
    ]);
  });
});
