import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import { memberDetail } from "../../app/staff/member-detail.server";
import { listMembers, type MemberQuery } from "../../app/staff/members.server";
import { listEvents } from "../../app/staff/ledger.server";
import { listOutbox } from "../../app/staff/outbox.server";
import { lastTwelveMonths, overview } from "../../app/staff/overview.server";
import { fillDatabase, LARGE } from "./fill";

// The staff console's queries on the bench's large SQLite database, measured in this process
// (CPU of the call, not through the server): `npm run bench` measures the pages over HTTP.
//
//   npx tsx tests/bench/staff-console.ts              fills a temporary database, then removes it
//   STAFF_BENCH_DB=/tmp/x.db npx tsx tests/bench/...  fills that file once and keeps it; a later
//                                                     run migrates it to the latest and reuses it
//
// "Cold" is the first call on a new connection (SQLite's page cache empty; the kernel's file
// cache may be warm); "warm" is the median of the next calls on the same connection.

const WARM_CALLS = 15;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function measure(label: string, path: string, call: (db: Db) => Promise<unknown>) {
  const db = createDatabase(path);
  try {
    await sql`select 1`.execute(db); // open the connection outside the timing
    const coldStart = cpuMs();
    await call(db);
    const cold = cpuMs() - coldStart;
    const warm: number[] = [];
    for (let i = 0; i < WARM_CALLS; i++) {
      const start = cpuMs();
      await call(db);
      warm.push(cpuMs() - start);
    }
    warm.sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)]!;
    console.log(
      `${label.padEnd(44)} cold ${cold.toFixed(2).padStart(8)} ms   warm ${median.toFixed(2).padStart(8)} ms`,
    );
  } finally {
    await db.destroy();
  }
}

type Db = ReturnType<typeof createDatabase>;

const query = (q: Partial<MemberQuery>): MemberQuery => ({
  q: "",
  role: undefined,
  status: undefined,
  after: null,
  ...q,
});

async function main() {
  const kept = process.env.STAFF_BENCH_DB;
  const dir = kept ? null : mkdtempSync(join(tmpdir(), "staff-bench-"));
  const path = kept ?? join(dir!, "app.db");
  const fresh = !existsSync(path);
  const database = createDatabase(path);
  await migrateToLatest(database);
  await database.destroy();
  if (fresh) {
    const started = performance.now();
    fillDatabase(path, LARGE);
    console.log(
      `filled ${LARGE.users} users, ${LARGE.payments} payments, ${LARGE.events} events in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  const now = new Date();
  try {
    await measure("overview", path, (db) => overview(db, now));
    // What the overview did before revenue_months: sum a year of payments through the index.
    const months = lastTwelveMonths(now);
    await measure("(before: 12 months summed from payments)", path, (db) =>
      Promise.all(
        months.map(({ from, to }) =>
          db
            .selectFrom("payments")
            .select(["plan", (eb) => eb.fn.sum<number>("amount").as("total")])
            .where("status", "in", ["paid", "refunded"])
            .where("paid_at", ">=", from.toISOString())
            .where("paid_at", "<", to.toISOString())
            .where("currency", "=", "mad")
            .groupBy("plan")
            .execute(),
        ),
      ),
    );
    await measure("members, first page", path, (db) => listMembers(db, query({})));
    await measure("members, role and status", path, (db) =>
      listMembers(db, query({ role: "company", status: "ACTIVE" })),
    );
    await measure("members, email prefix", path, (db) =>
      listMembers(db, query({ q: "filler-00005@" })),
    );
    await measure("members, name substring", path, (db) =>
      listMembers(db, query({ q: "filler 4242" })),
    );
    await measure("members, page 1000 by keyset", path, (db) =>
      listMembers(db, query({ after: 50_000 })),
    );
    await measure("emails, failed first page", path, (db) => listOutbox(db, "failed", null));
    await measure("emails, sent first page", path, (db) => listOutbox(db, "sent", null));
    await measure("events, not processed first page", path, (db) => listEvents(db, 0, null));
    await measure("events, processed first page", path, (db) => listEvents(db, 1, null));
    await measure("member page data (user 4242)", path, (db) => memberDetail(db, 4242));
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
