import type { SqliteDatabase } from "./database.js";

/** Stripe keeps idempotent results for 24 hours. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
}

export class IdempotencyStore {
  constructor(private readonly db: SqliteDatabase) {}

  find(key: string, nowMs: number): StoredResponse | undefined {
    const row = this.db
      .prepare(
        "SELECT request_fingerprint, status, body, created_ms FROM idempotency_keys WHERE key = ?",
      )
      .get(key) as
      { request_fingerprint: string; status: number; body: string; created_ms: number } | undefined;
    if (!row || nowMs - row.created_ms > IDEMPOTENCY_TTL_MS) return undefined;
    return { fingerprint: row.request_fingerprint, status: row.status, body: row.body };
  }

  save(key: string, response: StoredResponse, nowMs: number): void {
    this.db
      .prepare(
        "INSERT OR REPLACE INTO idempotency_keys (key, request_fingerprint, status, body, created_ms) VALUES (?, ?, ?, ?, ?)",
      )
      .run(key, response.fingerprint, response.status, response.body, nowMs);
  }

  purgeExpired(nowMs: number): void {
    this.db
      .prepare("DELETE FROM idempotency_keys WHERE created_ms < ?")
      .run(nowMs - IDEMPOTENCY_TTL_MS);
  }
}
