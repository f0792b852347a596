import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";
import { env } from "./env.server";
import { createSemaphore } from "./semaphore.server";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP Password Storage Cheat Sheet's equivalent setting with the least memory: scrypt with
 * N=2^14, r=8, p=5 (16 MiB a hash instead of N=2^17's 128 MiB, the same work). See
 * docs/decisions/0007-password-hashing.md.
 */
export const OWASP_SCRYPT: ScryptParams = { N: 2 ** 14, r: 8, p: 5 };
/** Only for test runs (PASSWORD_HASH_COST=test, refused outside localhost). */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 12, r: 8, p: 1 };

const KEY_LENGTH = 64;
const SALT_LENGTH = 16;
const MAX_N = 2 ** 20;

export function scryptParamsFor(cost: "owasp" | "test"): ScryptParams {
  return cost === "test" ? TEST_SCRYPT : OWASP_SCRYPT;
}

export function currentScryptParams(): ScryptParams {
  return scryptParamsFor(env().passwordHashCost);
}

/**
 * At most this many hashes run at once (each holds 128 * N * r bytes and a libuv thread); up to
 * HASH_QUEUE_LIMIT more wait, and beyond that a request is answered 503 at once, so a login
 * burst neither grows memory nor queues work without bound.
 */
export const HASH_CONCURRENCY = Math.max(1, Math.min(4, availableParallelism()));
export const HASH_QUEUE_LIMIT = 16 * HASH_CONCURRENCY;
/** Seconds a client is asked to wait when the hashing queue is full. */
export const HASH_BUSY_RETRY_AFTER_SECONDS = 5;

/** Every hashing slot is taken and the waiting queue is full: answer 503 with Retry-After. */
export class PasswordHashingBusyError extends Error {
  override name = "PasswordHashingBusyError";
  readonly retryAfterSeconds = HASH_BUSY_RETRY_AFTER_SECONDS;
}

const hashingSlots = createSemaphore({
  concurrency: HASH_CONCURRENCY,
  queueLimit: HASH_QUEUE_LIMIT,
  onFull: () => new PasswordHashingBusyError("Too many password checks at once"),
});

function derive(
  password: string,
  salt: Buffer,
  keyLength: number,
  { N, r, p }: ScryptParams,
): Promise<Buffer> {
  // scrypt needs about 128 * N * r bytes (p runs reuse it); the cap leaves room above that.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r + 32 * 1024 * 1024 };
  return hashingSlots.run(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize("NFKC"), salt, keyLength, options, (error, key) =>
          error ? reject(error) : resolve(key),
        );
      }),
  );
}

/** "scrypt$N$r$p$salt$hash" (base64url): the parameters travel with the hash, so they can change later. */
export async function hashPassword(
  password: string,
  params: ScryptParams = currentScryptParams(),
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, KEY_LENGTH, params);
  return [
    "scrypt",
    params.N,
    params.r,
    params.p,
    salt.toString("base64url"),
    key.toString("base64url"),
  ].join("$");
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const validN = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & (N - 1)) === 0;
  if (!validN || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16)
    return null;
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const key = Buffer.from(parts[5] ?? "", "base64url");
  if (salt.length === 0 || key.length < 16) return null;
  return { params: { N, r, p }, salt, key };
}

/** True when `password` matches `stored`; false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with other parameters than the current ones (rehash at next login). */
export function needsRehash(stored: string, params: ScryptParams = currentScryptParams()): boolean {
  const parsed = parseHash(stored);
  return (
    !parsed ||
    parsed.params.N !== params.N ||
    parsed.params.r !== params.r ||
    parsed.params.p !== params.p
  );
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as checking a real password, for logins with an unknown email, so the
 * answer time does not tell which emails have accounts.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword("dummy password for timing");
  await verifyPassword(password, await dummyHash);
  return false;
}
