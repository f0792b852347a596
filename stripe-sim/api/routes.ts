import { chargeRoutes } from "./charges.js";
import { checkoutSessionRoutes } from "./checkout-sessions.js";
import type { ApiHandler, ApiRoute } from "./context.js";
import { customerRoutes } from "./customers.js";
import { eventRoutes } from "./events.js";
import { paymentIntentRoutes } from "./payment-intents.js";
import { paymentMethodRoutes } from "./payment-methods.js";
import { paymentPageRoutes } from "./payment-pages.js";
import { priceRoutes } from "./prices.js";
import { productRoutes } from "./products.js";
import { webhookEndpointRoutes } from "./webhook-endpoints.js";
import { billingPortalRoutes } from "./billing-portal.js";
import { invoiceRoutes } from "./invoices.js";
import { subscriptionRoutes } from "./subscriptions.js";
import { testClockRoutes } from "./test-clocks.js";
import { refundRoutes } from "./refunds.js";
import { disputeRoutes } from "./disputes.js";
import { balanceTransactionRoutes } from "./balance-transactions.js";
import { taxIdRoutes } from "./tax-ids.js";
import { planRoutes } from "./plans.js";
import { setupIntentRoutes } from "./setup-intents.js";

const ALL_ROUTES: ApiRoute[] = [
  ...customerRoutes,
  ...productRoutes,
  ...priceRoutes,
  ...checkoutSessionRoutes,
  ...paymentIntentRoutes,
  ...chargeRoutes,
  ...paymentMethodRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
  ...paymentPageRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...testClockRoutes,
  ...billingPortalRoutes,
  ...refundRoutes,
  ...disputeRoutes,
  ...balanceTransactionRoutes,
  ...taxIdRoutes,
  ...planRoutes,
  ...setupIntentRoutes,
];

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  handler: ApiHandler;
}

const COMPILED: CompiledRoute[] = ALL_ROUTES.map((route) => ({
  method: route.method,
  pattern: new RegExp(`^${route.path.replace(/:[a-z_]+/g, "([^/]+)")}/?$`),
  handler: route.handler,
}));

export interface RouteMatch {
  handler: ApiHandler;
  args: string[];
}

export function matchApiRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of COMPILED) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { handler: route.handler, args: match.slice(1).map(safeDecode) };
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
