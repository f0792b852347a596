import type { Role } from "../../db/schema";

/** The three kinds of member, in the order pages list them. */
export const ROLES = ["talent", "professional", "company"] as const satisfies readonly Role[];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function roleLabel(role: Role): string {
  return role === "talent" ? "Talent" : role === "professional" ? "Professional" : "Company";
}
