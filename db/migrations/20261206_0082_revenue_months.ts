import type { Kysely } from "kysely";
import { sql } from "kysely";
import { isPostgres } from "../dialect";

// Frozen in time: this file must never import application code.
// Money paid per month (UTC), plan and currency, kept by triggers on payments in the same
// transaction as every payment write, so the staff overview reads a few dozen rows instead of
// summing a year of payments. A payment counts, gross, while its status is paid or refunded and
// it has a paid_at. The table is rebuilt here from the payments already stored.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable("revenue_months")
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("amount", pg ? "bigint" : "integer", (c) => c.notNull())
    .addColumn("payments", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("revenue_months_pk", ["month", "plan", "currency"])
    .execute();

  if (pg) {
    await sql`create function payments_revenue_months() returns trigger language plpgsql as $$
      declare
        old_counts boolean := tg_op <> 'INSERT' and old.paid_at is not null
          and old.status in ('paid', 'refunded');
        new_counts boolean := tg_op <> 'DELETE' and new.paid_at is not null
          and new.status in ('paid', 'refunded');
      begin
        if tg_op = 'UPDATE' and old_counts and new_counts
          and old.amount = new.amount and old.plan = new.plan and old.currency = new.currency
          and to_char(old.paid_at at time zone 'UTC', 'YYYY-MM')
            = to_char(new.paid_at at time zone 'UTC', 'YYYY-MM') then
          return null;
        end if;
        if old_counts then
          update revenue_months
            set amount = amount - old.amount, payments = payments - 1
            where month = to_char(old.paid_at at time zone 'UTC', 'YYYY-MM')
              and plan = old.plan and currency = old.currency;
        end if;
        if new_counts then
          insert into revenue_months (month, plan, currency, amount, payments)
            values (to_char(new.paid_at at time zone 'UTC', 'YYYY-MM'), new.plan, new.currency,
              new.amount, 1)
            on conflict (month, plan, currency) do update
              set amount = revenue_months.amount + excluded.amount,
                payments = revenue_months.payments + 1;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger payments_revenue_months
      after insert or delete or update of status, paid_at, amount, plan, currency on payments
      for each row execute function payments_revenue_months()`.execute(db);
    await sql`insert into revenue_months (month, plan, currency, amount, payments)
      select to_char(paid_at at time zone 'UTC', 'YYYY-MM'), plan, currency, sum(amount), count(*)
      from payments where paid_at is not null and status in ('paid', 'refunded')
      group by 1, 2, 3`.execute(db);
  } else {
    // paid_at is ISO-8601 UTC text on SQLite: its first 7 characters are the month.
    const add = sql.raw(`insert into revenue_months (month, plan, currency, amount, payments)
        select substr(new.paid_at, 1, 7), new.plan, new.currency, new.amount, 1
        where new.paid_at is not null and new.status in ('paid', 'refunded')
        on conflict (month, plan, currency) do update
          set amount = amount + excluded.amount, payments = payments + 1;`);
    const remove = sql.raw(`update revenue_months
        set amount = amount - old.amount, payments = payments - 1
        where old.paid_at is not null and old.status in ('paid', 'refunded')
          and month = substr(old.paid_at, 1, 7) and plan = old.plan and currency = old.currency;`);
    await sql`create trigger payments_revenue_months_insert after insert on payments
      begin ${add} end`.execute(db);
    await sql`create trigger payments_revenue_months_delete after delete on payments
      begin ${remove} end`.execute(db);
    // Skipped when the payment counted before and after in the same month, plan and currency
    // for the same amount (paid to refunded, for one): nothing to move.
    await sql`create trigger payments_revenue_months_update
      after update of status, paid_at, amount, plan, currency on payments
      when not (
        old.paid_at is not null and old.status in ('paid', 'refunded')
        and new.paid_at is not null and new.status in ('paid', 'refunded')
        and old.amount = new.amount and old.plan = new.plan and old.currency = new.currency
        and substr(old.paid_at, 1, 7) = substr(new.paid_at, 1, 7))
      begin ${remove} ${add} end`.execute(db);
    await sql`insert into revenue_months (month, plan, currency, amount, payments)
      select substr(paid_at, 1, 7), plan, currency, sum(amount), count(*)
      from payments where paid_at is not null and status in ('paid', 'refunded')
      group by 1, 2, 3`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger payments_revenue_months on payments`.execute(db);
    await sql`drop function payments_revenue_months()`.execute(db);
  } else {
    await sql`drop trigger payments_revenue_months_insert`.execute(db);
    await sql`drop trigger payments_revenue_months_delete`.execute(db);
    await sql`drop trigger payments_revenue_months_update`.execute(db);
  }
  await db.schema.dropTable("revenue_months").execute();
}
