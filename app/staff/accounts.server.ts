import { normalizeEmail } from "../lib/auth.server";
import type { DB } from "../../db/schema";

export type StaffFlagResult =
  | { kind: "changed"; email: string; isStaff: boolean }
  | { kind: "unchanged"; email: string; isStaff: boolean }
  | { kind: "unknown"; email: string };

/**
 * Gives or takes the staff flag of the account with this email. The only way an account becomes
 * staff: no route calls it (the `staff:grant` / `staff:revoke` commands do).
 */
export async function setStaffFlag(
  database: DB,
  rawEmail: string,
  isStaff: boolean,
  now: Date,
): Promise<StaffFlagResult> {
  const email = normalizeEmail(rawEmail);
  const user = await database
    .selectFrom("users")
    .select(["id", "is_staff"])
    .where("email", "=", email)
    .executeTakeFirst();
  if (!user) return { kind: "unknown", email };
  if ((user.is_staff === 1) === isStaff) return { kind: "unchanged", email, isStaff };
  await database
    .updateTable("users")
    .set({ is_staff: isStaff ? 1 : 0, updated_at: now.toISOString() })
    .where("id", "=", user.id)
    .execute();
  // Taking the flag also ends the account's sessions: an open console tab stops working now.
  if (!isStaff) await database.deleteFrom("sessions").where("user_id", "=", user.id).execute();
  return { kind: "changed", email, isStaff };
}
