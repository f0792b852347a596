import { remember } from "@epic-web/remember";
import { clientAddress, rateLimitKey } from "./client-address.server";
import { db as appDb } from "./db.server";
import { env } from "./env.server";
import type { RateLimitResult, SharedRateLimiter } from "./rate-limit.server";
import type { Message } from "../i18n/messages";
import { createSharedRateLimiter } from "./rate-limit.server";

/**
 * Requests that make the app call Stripe's API, limited per member and per client address so
 * that one member cannot spend the account's Stripe rate limit (about 25 requests a second in
 * test mode, 100 live) and get everyone else's checkouts refused. Counted in the database, so
 * every instance shares the limits. Per minute; see decision 0008. The per-address limits are
 * wide because members behind one office or mobile network share an address.
 */
export const STRIPE_CALL_LIMITS = {
  /** opening the customer portal (a fresh session is also reused for PORTAL_REUSE_MS) */
  portal: { perMember: 5, perClient: 60 },
  /** creating or reusing a Checkout Session */
  checkout: { perMember: 10, perClient: 120 },
  /** a success page reading an open Checkout Session (it polls every 3 s while processing) */
  "checkout-return": { perMember: 40, perClient: 600 },
} as const;
export type StripeCallPurpose = keyof typeof STRIPE_CALL_LIMITS;
export const STRIPE_CALL_WINDOW_MS = 60_000;

type Limiters = Record<StripeCallPurpose, { member: SharedRateLimiter; client: SharedRateLimiter }>;
function limiters(): Limiters {
  return remember(
    "stripe-call-limiters",
    () =>
      Object.fromEntries(
        Object.entries(STRIPE_CALL_LIMITS).map(([purpose, limits]) => [
          purpose,
          {
            member: createSharedRateLimiter(appDb, {
              name: `stripe-${purpose}-member`,
              limit: limits.perMember,
              windowMs: STRIPE_CALL_WINDOW_MS,
            }),
            client: createSharedRateLimiter(appDb, {
              name: `stripe-${purpose}-client`,
              limit: limits.perClient,
              windowMs: STRIPE_CALL_WINDOW_MS,
            }),
          },
        ]),
      ) as Limiters,
  );
}

/** Counts one request of `userId` from this client that is about to call Stripe for `purpose`. */
export async function allowStripeCall(
  request: Request,
  userId: number,
  purpose: StripeCallPurpose,
): Promise<RateLimitResult> {
  const { member, client } = limiters()[purpose];
  const byMember = await member.hit(String(userId));
  if (!byMember.allowed) return byMember;
  return client.hit(rateLimitKey(clientAddress(request, env().trustProxy)));
}

/** What a member sees when a limit above refused them. */
export function stripeCallsLimitedMessage(retryAfterSeconds: number): Message {
  return { key: "common:messages.stripeCallsLimited", values: { retryAfterSeconds } };
}

/** For the pages after Checkout: asked right before they would read the session from Stripe. */
export interface ReturnOptions {
  beforeStripeCall?: () => Promise<RateLimitResult>;
}

/** The 429 answer when `beforeStripeCall` refuses, else null. */
export async function refusedByLimit(
  options: ReturnOptions,
): Promise<{ kind: "problem"; status: 429; message: Message; retryAfterSeconds: number } | null> {
  const limit = await options.beforeStripeCall?.();
  if (!limit || limit.allowed) return null;
  return {
    kind: "problem",
    status: 429,
    message: stripeCallsLimitedMessage(limit.retryAfterSeconds),
    retryAfterSeconds: limit.retryAfterSeconds,
  };
}
