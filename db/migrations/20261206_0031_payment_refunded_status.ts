import { sql, type Kysely } from "kysely";
import { isPostgres } from "../dialect";

// Frozen in time: this file must never import application code.
// A payment refunded in full says so: payments.status may be 'refunded' (decision 17). SQLite
// cannot change a CHECK constraint in place, so the table is rebuilt from its own stored
// definition (every column it has by now), inside this migration's transaction; the rows of
// refunds and disputes that point at a payment keep pointing at it.

const BEFORE = "'pending', 'paid', 'failed', 'expired', 'canceled'";
const AFTER = "'pending', 'paid', 'failed', 'expired', 'canceled', 'refunded'";

async function setStatuses(db: Kysely<any>, from: string, to: string): Promise<void> {
  if (isPostgres(db)) {
    const { rows } = await sql<{ conname: string }>`
      select conname from pg_constraint
      where conrelid = 'payments'::regclass and contype = 'c'
        and pg_get_constraintdef(oid) like '%status%pending%'`.execute(db);
    for (const row of rows)
      await sql`alter table payments drop constraint ${sql.id(row.conname)}`.execute(db);
    await sql`alter table payments add constraint payments_status_check check (status in (${sql.raw(to)}))`.execute(
      db,
    );
    return;
  }
  const table = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = 'payments'`.execute(db);
  const definition = table.rows[0]?.sql;
  if (!definition || !definition.includes(from))
    throw new Error("payments: the status CHECK constraint is not the expected one");
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master
    where type = 'index' and tbl_name = 'payments' and sql is not null`.execute(db);
  const kept: Record<string, { id: number; payment_id: number }[]> = {};
  for (const child of ["refunds", "disputes"]) {
    kept[child] = (
      await sql<{
        id: number;
        payment_id: number;
      }>`select id, payment_id from ${sql.id(child)} where payment_id is not null`.execute(db)
    ).rows;
  }
  const rebuilt = definition
    .replace(from, to)
    .replace(/^CREATE TABLE\s+("payments"|payments)/i, 'CREATE TABLE "payments_rebuilt"');
  await sql.raw(rebuilt).execute(db);
  await sql`insert into payments_rebuilt select * from payments`.execute(db);
  await sql`drop table payments`.execute(db);
  await sql`alter table payments_rebuilt rename to payments`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
  for (const [child, rows] of Object.entries(kept))
    for (const row of rows)
      await sql`update ${sql.id(child)} set payment_id = ${row.payment_id} where id = ${row.id}`.execute(
        db,
      );
}

export async function up(db: Kysely<any>): Promise<void> {
  await setStatuses(db, BEFORE, AFTER);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update payments set status = 'paid' where status = 'refunded'`.execute(db);
  await setStatuses(db, AFTER, BEFORE);
}
