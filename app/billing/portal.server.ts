import type { Message } from "../i18n/messages";
import type Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { remember } from "@epic-web/remember";
import { stripeLocale } from "../i18n/stripe-locale.server";
import { env } from "../lib/env.server";
import { allowStripeCall, stripeCallsLimitedMessage } from "../lib/stripe-call-limits.server";
import { portalConfigurationId } from "./portal-config.server";
import { stripeFailureMessage } from "./subscription-checkout.server";
import { errorNameAndMessage } from "../lib/errors";

export const NO_BILLING_ACCOUNT = "billing:errors.noBillingAccount";

export type PortalResult =
  | { kind: "redirect"; url: string }
  | { kind: "problem"; status: 409 | 502; message: Message }
  | { kind: "problem"; status: 429; message: Message; retryAfterSeconds: number };

/** A portal session just made for a member is handed out again for this long (a double click, a burst). */
export const PORTAL_REUSE_MS = 10_000;
const MAX_REMEMBERED_PORTALS = 10_000;
/** Per member: the portal being opened or just opened, shared by the requests that come meanwhile. */
const recentPortals = remember(
  "recent-portal-sessions",
  () =>
    new Map<
      number,
      { result: Promise<PortalResult>; at: number; flow: "manage" | "update_card" }
    >(),
);

/**
 * The member's portal, counted against the Stripe-call limits: a session made for them in the
 * last PORTAL_REUSE_MS (or being made right now) is reused, with no call to Stripe and nothing
 * counted; otherwise the request is counted per member and client address and refused with 429
 * past the limit (decision 0008). The reuse is per process; the limits hold across instances.
 */
export async function openCustomerPortalLimited(
  db: DB,
  stripe: Stripe,
  user: Pick<User, "id" | "role" | "locale">,
  request: Request,
  now: number = Date.now(),
  flow: "manage" | "update_card" = "manage",
): Promise<PortalResult> {
  const recent = recentPortals.get(user.id);
  if (recent && recent.flow === flow && now - recent.at < PORTAL_REUSE_MS) {
    const reused = await recent.result;
    if (reused.kind === "redirect") return reused;
  }
  const result = (async (): Promise<PortalResult> => {
    const limit = await allowStripeCall(request, user.id, "portal");
    if (!limit.allowed)
      return {
        kind: "problem",
        status: 429,
        message: stripeCallsLimitedMessage(limit.retryAfterSeconds),
        retryAfterSeconds: limit.retryAfterSeconds,
      };
    return openCustomerPortal(db, stripe, user, flow);
  })();
  recentPortals.delete(user.id);
  recentPortals.set(user.id, { result, at: now, flow });
  for (const [id, entry] of recentPortals) {
    if (recentPortals.size <= MAX_REMEMBERED_PORTALS && now - entry.at < PORTAL_REUSE_MS) break;
    recentPortals.delete(id);
  }
  const answer = await result;
  // Only a portal that opened is reused; a refusal or a failure is asked again next time.
  if (answer.kind !== "redirect" && recentPortals.get(user.id)?.result === result)
    recentPortals.delete(user.id);
  return answer;
}

/**
 * A Stripe customer portal session for the member's own customer, returning to the billing
 * page. Only the member's customer id from our table is used; nothing comes from the client.
 */
export async function openCustomerPortal(
  db: DB,
  stripe: Stripe,
  user: Pick<User, "id" | "role" | "locale">,
  /** update_card: the portal opens straight on replacing the card (after a failed payment) */
  flow: "manage" | "update_card" = "manage",
): Promise<PortalResult> {
  const customer = await db
    .selectFrom("stripe_customers")
    .select("stripe_customer_id")
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (!customer) return { kind: "problem", status: 409, message: NO_BILLING_ACCOUNT };
  try {
    const returnUrl = `${env().appUrl}/dashboard/${user.role}/billing`;
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.stripe_customer_id,
      configuration: await portalConfigurationId(stripe, user.role),
      locale: stripeLocale(user),
      return_url: returnUrl,
      ...(flow === "update_card"
        ? {
            flow_data: {
              type: "payment_method_update",
              after_completion: { type: "redirect", redirect: { return_url: returnUrl } },
            },
          }
        : {}),
    });
    return { kind: "redirect", url: session.url };
  } catch (error) {
    console.error(`Customer portal for user ${user.id} failed: ${errorNameAndMessage(error)}`);
    return { kind: "problem", status: 502, message: stripeFailureMessage(error) };
  }
}
