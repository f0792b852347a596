import type { SqliteDatabase } from "./database.js";

export class EndpointSecrets {
  constructor(private readonly db: SqliteDatabase) {}

  get(endpointId: string): string | undefined {
    const row = this.db
      .prepare("SELECT secret FROM webhook_endpoint_secrets WHERE endpoint_id = ?")
      .get(endpointId) as { secret: string } | undefined;
    return row?.secret;
  }

  set(endpointId: string, secret: string): void {
    this.db
      .prepare(
        "INSERT OR REPLACE INTO webhook_endpoint_secrets (endpoint_id, secret) VALUES (?, ?)",
      )
      .run(endpointId, secret);
  }

  delete(endpointId: string): void {
    this.db.prepare("DELETE FROM webhook_endpoint_secrets WHERE endpoint_id = ?").run(endpointId);
  }
}
