import type { Kysely } from "kysely";
import type Stripe from "stripe";
import type { Database, User } from "../../db/schema";
import { env } from "../lib/env.server";
import { portalConfigurationId } from "./portal-config.server";
import { stripeFailureMessage } from "./subscription-checkout.server";

export const NO_BILLING_ACCOUNT =
  "You have no billing account with us yet, so there is nothing to manage. Choose a plan on the payment page first.";

export type PortalResult =
  { kind: "redirect"; url: string } | { kind: "problem"; status: 409 | 502; message: string };

/**
 * A Stripe customer portal session for the member's own customer, returning to the billing
 * page. Only the member's customer id from our table is used; nothing comes from the client.
 */
export async function openCustomerPortal(
  db: Kysely<Database>,
  stripe: Stripe,
  user: Pick<User, "id" | "role">,
): Promise<PortalResult> {
  const customer = await db
    .selectFrom("stripe_customers")
    .select("stripe_customer_id")
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (!customer) return { kind: "problem", status: 409, message: NO_BILLING_ACCOUNT };
  try {
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.stripe_customer_id,
      configuration: await portalConfigurationId(stripe, user.role),
      return_url: `${env().appUrl}/dashboard/${user.role}/billing`,
    });
    return { kind: "redirect", url: session.url };
  } catch (error) {
    console.error(
      `Customer portal for user ${user.id} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    return { kind: "problem", status: 502, message: stripeFailureMessage(error) };
  }
}
