import type Stripe from "stripe";

export interface WebhookEndpointFields {
  url: string;
  enabledEvents: string[];
  description: string | null;
  metadata: Record<string, string>;
  apiVersion: string | null;
}

export function buildWebhookEndpoint(
  id: string,
  created: number,
  fields: WebhookEndpointFields,
): Stripe.WebhookEndpoint {
  return {
    id,
    object: "webhook_endpoint",
    api_version: fields.apiVersion,
    application: null,
    created,
    description: fields.description,
    enabled_events: fields.enabledEvents,
    livemode: false,
    metadata: fields.metadata,
    status: "enabled",
    url: fields.url,
  };
}
