import { API_VERSION } from "../api-version.js";

/** Stripe's first API version; nothing older exists. */
const FIRST_VERSION = "2011-01-01";
/** Versions carry a release name (2024-09-30.acacia) from this date on. */
const FIRST_NAMED = "2024-09-30";
const FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:\.([a-z]{1,20}))?$/;

/**
 * Whether a Stripe-Version header names a version that can exist: Stripe's format
 * (YYYY-MM-DD, with a release name from 2024-09-30 on), a real date, and no older than Stripe's
 * first version nor newer than the one the installed SDK pins. The answer's shapes are the
 * pinned version's whatever the header asks (see README).
 */
export function knownApiVersion(header: string): boolean {
  const match = FORMAT.exec(header);
  if (!match) return false;
  const [, year, month, day, name] = match;
  const date = `${year}-${month}-${day}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return false;
  const pinned = API_VERSION.slice(0, 10);
  if (date < FIRST_VERSION || date > pinned) return false;
  if (date >= FIRST_NAMED) return name !== undefined;
  return name === undefined;
}
