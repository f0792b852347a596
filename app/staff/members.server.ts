import { sql } from "kysely";
import { z } from "zod";
import type { DB, Role, SubscriptionStatus } from "../../db/schema";
import { likeIgnoringCase } from "../../db/dialect";
import { ROLES } from "../lib/roles";

import { MAX_SEARCH, MEMBERS_PAGE_SIZE, STATUSES } from "./constants";

export { MAX_SEARCH, MEMBERS_PAGE_SIZE, STATUSES };

/** Positive integer ids from a URL (a route's :id or a ?after= cursor); null for anything else. */
export function parseId(value: string | null | undefined): number | null {
  if (!value || !/^[1-9][0-9]{0,14}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

const memberQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(MAX_SEARCH, `Use at most ${MAX_SEARCH} characters`)
    .catch("")
    .default(""),
  role: z.enum(ROLES).optional().catch(undefined),
  status: z.enum(STATUSES).optional().catch(undefined),
});

export interface MemberQuery {
  q: string;
  role: Role | undefined;
  status: SubscriptionStatus | undefined;
  after: number | null;
}

/** ?q=&role=&status=&after= of /staff/members; anything unknown is ignored, never a 500. */
export function parseMemberQuery(url: URL): MemberQuery {
  const params = url.searchParams;
  const parsed = memberQuerySchema.parse({
    q: (params.get("q") ?? "").slice(0, 1000),
    role: params.get("role") || undefined,
    status: params.get("status") || undefined,
  });
  return {
    q: parsed.q.slice(0, MAX_SEARCH),
    role: parsed.role,
    status: parsed.status,
    after: parseId(params.get("after")),
  };
}

export interface MemberListRow {
  id: number;
  name: string;
  email: string;
  role: Role;
  subscription_status: SubscriptionStatus;
  access_expires_at: string | null;
  is_staff: number;
  created_at: string;
}

/** LIKE's wildcards taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of members, newest first, keyset by id (the next page starts below the last id). A
 * search with "@" matches emails from their start through the email index; other text matches
 * anywhere in the name or email. Role and status use the (role, status, id) and (status, id)
 * indexes, so a page reads about as many rows as it shows.
 */
export async function listMembers(
  database: DB,
  query: MemberQuery,
  limit = MEMBERS_PAGE_SIZE,
): Promise<{ members: MemberListRow[]; next: number | null }> {
  let select = database
    .selectFrom("users")
    .select([
      "id",
      "name",
      "email",
      "role",
      "subscription_status",
      "access_expires_at",
      "is_staff",
      "created_at",
    ])
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (query.after !== null) select = select.where("id", "<", query.after);
  if (query.role) select = select.where("role", "=", query.role);
  if (query.status) select = select.where("subscription_status", "=", query.status);
  const q = query.q.toLowerCase();
  if (q.includes("@")) {
    select = select.where("email", ">=", q).where("email", "<", `${q}\u{10FFFF}`);
  } else if (q !== "") {
    const op = likeIgnoringCase(database);
    const pattern = likePattern(q);
    select = select.where(
      sql<boolean>`(name ${op} ${pattern} escape '\\' or email ${op} ${pattern} escape '\\')`,
    );
  }
  const rows = await select.execute();
  const members = rows.slice(0, limit);
  return { members, next: rows.length > limit ? (members.at(-1)?.id ?? null) : null };
}
