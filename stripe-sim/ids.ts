import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/**
 * Lengths copied from real test-mode ids (cus_ + 14, pi_ + 24, cs_test_a1 + 58, ...), so code
 * that validates or stores ids (column widths, regexes) meets the same shapes it will in production.
 */
const SUFFIX_LENGTH: Record<string, number> = {
  cus: 14,
  prod: 14,
  req: 14,
  price: 24,
  pi: 24,
  ch: 24,
  pm: 24,
  evt: 24,
  we: 24,
  li: 24,
  py: 24,
  src: 24,
  sub: 24,
  si: 14,
  in: 24,
  ii: 24,
  il: 24,
  clock: 24,
  bpc: 24,
  bps: 24,
  seti: 24,
  inpay: 24,
  re: 24,
  dp: 24,
  txn: 24,
  txi: 24,
};

export type IdPrefix = keyof typeof SUFFIX_LENGTH | "cs_test";

export function newId(prefix: IdPrefix): string {
  if (prefix === "cs_test") return `cs_test_a1${randomToken(56)}`;
  return `${prefix}_${"1"}${randomToken((SUFFIX_LENGTH[prefix] ?? 24) - 1)}`;
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("hex")}`;
}

export function newClientSecret(id: string): string {
  return `${id}_secret_${randomToken(25)}`;
}

/** The id of an expandable field, whether it holds an id or an expanded object. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}
