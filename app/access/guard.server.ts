import type { User } from "../../db/schema";
import { membershipOffer } from "../billing/offer.server";
import { requireUser } from "../lib/auth.server";
import { now } from "../lib/clock.server";
import type { MembershipOffer } from "../billing/offer.server";
import type { Language } from "../i18n/config";
import { getLanguage, translator } from "../i18n/i18next.server";
import { offerSentence } from "../i18n/offer-words";
import type { Feature } from "./rules";
import { decideFeatureAccess, paywallMessage, rolesMessage } from "./rules";

/** Premium answers depend on who asks and on access that can end at any request: never cached. */
export const PREMIUM_CACHE_CONTROL = "private, no-store";
export const PREMIUM_HEADERS = { "Cache-Control": PREMIUM_CACHE_CONTROL } as const;

export interface Paywall {
  feature: Feature;
  /** "Become a member to see ..." or, for a role that never gets the feature, who does (a key) */
  message: string;
  /** the user's own payment page, or null when paying would not unlock the feature */
  paymentPath: string | null;
  /** what the membership costs, with the trial, when paying would unlock the feature */
  offer: MembershipOffer | null;
}

export type PremiumAccess =
  { user: User; allowed: true } | { user: User; allowed: false; paywall: Paywall };

function paywallFor(user: User, feature: Feature, reason: "needs-access" | "role"): Paywall {
  if (reason === "needs-access") {
    return {
      feature,
      message: paywallMessage(feature),
      paymentPath: `/dashboard/${user.role}/payment`,
      offer: membershipOffer(user.role),
    };
  }
  return {
    feature,
    message: rolesMessage(feature),
    paymentPath: null,
    offer: null,
  };
}

/**
 * The guard every premium loader and action goes through, checked on each request with the
 * app's clock. Throws a redirect to /login?redirectTo=... for visitors; otherwise answers
 * whether the signed-in user may use `feature` now and, if not, the paywall to show. Pages that
 * show the paywall in place of part of their content use this; the rest use requirePremium.
 */
export async function premiumAccess(request: Request, feature: Feature): Promise<PremiumAccess> {
  return accessFor(await requireUser(request), feature);
}

/** The same decision for a user a loader already holds (a page that shows several features). */
export function accessFor(user: User, feature: Feature): PremiumAccess {
  const decision = decideFeatureAccess(user, feature, now());
  if (decision.allowed) return { user, allowed: true };
  return { user, allowed: false, paywall: paywallFor(user, feature, decision.reason) };
}

/** The signed-in user with access to `feature`; throws the login redirect or a 403 paywall page. */
export async function requirePremium(request: Request, feature: Feature): Promise<User> {
  const access = await premiumAccess(request, feature);
  if (!access.allowed) throw paywallResponse(access.paywall, await getLanguage(request));
  return access.user;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A standalone 403 page (resource routes have no layout to render a paywall into). */
export function paywallResponse(paywall: Paywall, language: Language): Response {
  const t = translator(language);
  const offer = paywall.offer
    ? `<p>${escapeHtml(offerSentence(t, paywall.offer, language))}</p>`
    : "";
  const link = paywall.paymentPath
    ? `${offer}<p><a href="${escapeHtml(paywall.paymentPath)}">${escapeHtml(t("talents:paywall.choose"))}</a></p>`
    : "";
  const title = escapeHtml(t("talents:paywall.title"));
  const html = `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${title} | Talents Acting</title></head><body><main><h1>${title}</h1><p>${escapeHtml(t(paywall.message))}</p>${link}<p><a href="/talents">${escapeHtml(t("talents:paywall.back"))}</a></p></main></body></html>`;
  return new Response(html, {
    status: 403,
    headers: { ...PREMIUM_HEADERS, "Content-Type": "text/html; charset=utf-8" },
  });
}
