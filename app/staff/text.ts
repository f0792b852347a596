import { useTranslation } from "react-i18next";
import type { OutboxStatus, PaymentStatus, Role, SubscriptionStatus } from "../../db/schema";
import type staffCatalog from "../locales/en/staff.json";

// Every string of the staff console is a key of the "staff" namespace
// (app/locales/{fr,en}/staff.json, decision 0022). Pages read them with useStaffText(); actions
// answer with keys (app/i18n/messages.ts) that the page translates.

/** "a.b.c" for every string of a catalog. */
type Leaves<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every key of the staff catalog, written with its namespace. */
export type StaffKey = `staff:${Leaves<typeof staffCatalog>}`;

/** The role names the whole app shares. */
type RoleKey = `common:roles.${Role}`;

export type StaffText = (key: StaffKey | RoleKey, vars?: Record<string, string | number>) => string;

/** A message an action answers with: a staff key and the values it interpolates. */
export type StaffMessage = { key: StaffKey; values?: Record<string, string | number> };

export function staffMessage(key: StaffKey, values?: Record<string, string | number>) {
  return values ? { key, values } : { key };
}

/** The page's language's text of a staff key, with its {{variables}} filled in. */
export function useStaffText(): StaffText {
  const { t } = useTranslation("staff");
  return (key, vars = {}) => t(key, vars);
}

// Codes shown to staff, each key written out so the catalog test finds it (decision 0022).
export const ROLE_KEYS: Record<Role, RoleKey> = {
  talent: "common:roles.talent",
  professional: "common:roles.professional",
  company: "common:roles.company",
};

export const MEMBER_STATUS_KEYS: Record<SubscriptionStatus, StaffKey> = {
  NONE: "staff:status.member.NONE",
  ACTIVE: "staff:status.member.ACTIVE",
  EXPIRED: "staff:status.member.EXPIRED",
  CANCELLED: "staff:status.member.CANCELLED",
};

export const PAYMENT_STATUS_KEYS: Record<PaymentStatus, StaffKey> = {
  pending: "staff:status.payment.pending",
  paid: "staff:status.payment.paid",
  failed: "staff:status.payment.failed",
  expired: "staff:status.payment.expired",
  canceled: "staff:status.payment.canceled",
  refunded: "staff:status.payment.refunded",
};

export const OUTBOX_STATUS_KEYS: Record<OutboxStatus, StaffKey> = {
  pending: "staff:status.email.pending",
  sent: "staff:status.email.sent",
  failed: "staff:status.email.failed",
};
