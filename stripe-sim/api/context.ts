import type Stripe from "stripe";
import type { SimClock } from "../clock.js";
import type { EventRecorder } from "../domain/events.js";
import type { BillingNotes } from "../store/billing-notes.js";
import type { SqliteDatabase } from "../store/database.js";
import type { LineItemStore } from "../store/line-items.js";
import type { EndpointSecrets } from "../store/endpoint-secrets.js";
import type { ObjectStore } from "../store/objects.js";
import type { SessionSettingsStore } from "../store/session-settings.js";

/** Everything a handler may touch; built once per server in index.ts. */
export interface SimContext {
  db: SqliteDatabase;
  store: ObjectStore;
  lineItems: LineItemStore;
  sessionSettings: SessionSettingsStore;
  endpointSecrets: EndpointSecrets;
  clock: SimClock;
  events: EventRecorder;
  billingNotes: BillingNotes;
  /** What a subscription becomes when its last payment retry fails. */
  afterFailedRetries: "cancel" | "unpaid";
  merchantName: string;
  /** Starts webhook deliveries queued outside a request (work finished after answering). */
  wakeDeliveries(): void;
  log(line: string): void;
  /** Where this server is reachable, for session URLs; known only after listen(). */
  baseUrl(): string;
}

/** The cause recorded on events: the API request, or null for the hosted page and sweeps. */
export type EventOrigin = Stripe.Event.Request | null;

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  origin: Stripe.Event.Request;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

export const ok = (body: unknown): ApiResult => ({ status: 200, body });

export type ApiHandler = (ctx: SimContext, req: ApiRequest, args: string[]) => ApiResult;

export interface ApiRoute {
  method: "GET" | "POST" | "DELETE";
  /** Path with `:id` placeholders, e.g. `/v1/customers/:id`. */
  path: string;
  handler: ApiHandler;
}
