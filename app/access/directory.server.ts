import { sql } from "kysely";
import { likeIgnoringCase } from "../../db/dialect";
import type { DB } from "../../db/schema";
import { DIRECTORY_PAGE_SIZE } from "./limits";

/** Pages past this are out of range whatever the data: no query, an empty page. */
const MAX_PAGE = 1_000_000;

export interface TalentListing {
  id: number;
  name: string;
  headline: string | null;
  /** ISO time the talent's first paid year began (their sign-up time when there is no payment row) */
  memberSince: string;
}

export interface TalentProfile extends TalentListing {
  email: string;
  /** whether the talent's membership is active now, so the directory lists them */
  listed: boolean;
}

/** `%`, `_` and the escape character itself match literally in a LIKE ... ESCAPE '\' pattern. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// The first paid year's start: "member since" survives renewals.
const memberSince = sql<string>`coalesce((select min(p.access_starts_at) from payments p where p.user_id = users.id and p.status = 'paid'), users.created_at)`;

/**
 * Talents whose membership is active at `now`, the same condition as hasAccess() in rules.ts
 * (ACTIVE, with no end date or one after now), so a year that ended unlists the talent at once,
 * before the expiry sweep writes EXPIRED.
 */
function activeTalents(db: DB, now: Date) {
  const nowIso = now.toISOString();
  return db
    .selectFrom("users")
    .where("role", "=", "talent")
    .where("subscription_status", "=", "ACTIVE")
    .where((eb) =>
      eb.or([eb("access_expires_at", "is", null), eb("access_expires_at", ">", nowIso)]),
    );
}

export interface DirectoryPage {
  talents: TalentListing[];
  /** talents matching the search across all pages */
  total: number;
  page: number;
  pageCount: number;
}

/** One page (1-based) of active talents, newest members first, optionally whose name contains `search`. */
export async function listTalents(
  db: DB,
  options: { page: number; search: string; now: Date },
): Promise<DirectoryPage> {
  const { page, search, now } = options;
  let base = activeTalents(db, now);
  if (search !== "")
    base = base.where(
      sql<boolean>`users.name ${likeIgnoringCase(db)} ${likeContains(search)} escape '\\'`,
    );

  const { total } = await base
    .select((eb) => eb.fn.countAll<number>().as("total"))
    .executeTakeFirstOrThrow();
  const pageCount = Math.ceil(Number(total) / DIRECTORY_PAGE_SIZE);
  const inRange = Number.isSafeInteger(page) && page >= 1 && page <= Math.min(pageCount, MAX_PAGE);
  const rows = inRange
    ? await base
        .select(["users.id", "users.name", "users.headline", memberSince.as("member_since")])
        .orderBy("member_since", "desc")
        .orderBy("users.id", "desc")
        .limit(DIRECTORY_PAGE_SIZE)
        .offset((page - 1) * DIRECTORY_PAGE_SIZE)
        .execute()
    : [];
  return {
    talents: rows.map((r) => ({
      id: r.id,
      name: r.name,
      headline: r.headline,
      memberSince: r.member_since,
    })),
    total: Number(total),
    page,
    pageCount,
  };
}

/** A talent's profile, or undefined when `id` is not a talent. */
export async function findTalentProfile(
  db: DB,
  id: number,
  now: Date,
): Promise<TalentProfile | undefined> {
  const row = await db
    .selectFrom("users")
    .select([
      "users.id",
      "users.name",
      "users.email",
      "users.headline",
      memberSince.as("member_since"),
    ])
    .where("users.id", "=", id)
    .where("users.role", "=", "talent")
    .executeTakeFirst();
  if (!row) return undefined;
  const listed = await activeTalents(db, now)
    .select("users.id")
    .where("users.id", "=", id)
    .executeTakeFirst();
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    headline: row.headline,
    memberSince: row.member_since,
    listed: listed !== undefined,
  };
}

/** Sets (or, with null, clears) a talent's headline. */
export async function updateHeadline(
  db: DB,
  userId: number,
  headline: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable("users")
    .set({ headline, updated_at: now.toISOString() })
    .where("id", "=", userId)
    .where("role", "=", "talent")
    .execute();
}
