import type Stripe from "stripe";
import type { SqliteDatabase } from "./database.js";

/** The `payment_intent_data` a Checkout Session was created with; applied to its PaymentIntent. */
export interface SessionPaymentSettings {
  description: string | null;
  metadata: Record<string, string>;
  shipping: Stripe.PaymentIntent.Shipping | null;
  receiptEmail: string | null;
  setupFutureUsage: Stripe.PaymentIntent.SetupFutureUsage | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
  /** `customer_update`: whether what the page collects is saved on an existing customer. */
  customerUpdate?: { name: "auto" | "never"; address: "auto" | "never" };
}

export class SessionSettingsStore {
  constructor(private readonly db: SqliteDatabase) {}

  save(sessionId: string, settings: SessionPaymentSettings): void {
    this.db
      .prepare("INSERT OR REPLACE INTO checkout_session_settings (session_id, data) VALUES (?, ?)")
      .run(sessionId, JSON.stringify(settings));
  }

  get(sessionId: string): SessionPaymentSettings | undefined {
    const row = this.db
      .prepare("SELECT data FROM checkout_session_settings WHERE session_id = ?")
      .get(sessionId) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as SessionPaymentSettings) : undefined;
  }
}
