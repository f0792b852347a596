import type { EndpointSecrets } from "../store/endpoint-secrets.js";
import type { ObjectStore } from "../store/objects.js";

export interface WebhookTarget {
  endpointId: string;
  url: string;
  secret: string;
}

/** The `--forward-to` style endpoint from options has no Stripe object; this id names it in SQLite. */
export const FORWARD_ENDPOINT_ID = "forward_to";

export interface ForwardTarget {
  url: string;
  secret: string;
}

export function eventMatches(enabledEvents: ReadonlyArray<string>, type: string): boolean {
  return enabledEvents.some((pattern) => pattern === "*" || pattern === type);
}

/** Who should receive an event: the forwardTo endpoint plus every enabled API-created endpoint. */
export class WebhookTargets {
  constructor(
    private readonly store: ObjectStore,
    private readonly secrets: EndpointSecrets,
    private readonly forward: ForwardTarget | null,
  ) {}

  matching(type: string): WebhookTarget[] {
    const targets: WebhookTarget[] = [];
    if (this.forward) targets.push({ endpointId: FORWARD_ENDPOINT_ID, ...this.forward });
    for (const endpoint of this.store.all("webhook_endpoints")) {
      if (endpoint.status !== "enabled" || !eventMatches(endpoint.enabled_events, type)) continue;
      const target = this.resolve(endpoint.id);
      if (target) targets.push(target);
    }
    return targets;
  }

  /** Looked up again at send time so a deleted or disabled endpoint stops receiving retries. */
  resolve(endpointId: string): WebhookTarget | null {
    if (endpointId === FORWARD_ENDPOINT_ID) {
      return this.forward ? { endpointId, ...this.forward } : null;
    }
    const endpoint = this.store.get("webhook_endpoints", endpointId);
    if (!endpoint || endpoint.status !== "enabled") return null;
    const secret = this.secrets.get(endpointId);
    return secret ? { endpointId, url: endpoint.url, secret } : null;
  }
}
