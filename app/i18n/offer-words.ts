import type { TFunction } from "i18next";
import type { MembershipOffer } from "../billing/offer.server";
import type { Language } from "./config";
import { formatMoney } from "./format";

/**
 * The membership's prices and trial in one sentence, in `language`: the paywall on a page and
 * the contact card's 403 page both say it.
 */
export function offerSentence(t: TFunction, offer: MembershipOffer, language: Language): string {
  const money = (m: { amount: number; currency: string }) =>
    formatMoney(m.amount, m.currency, language);
  const prices = {
    once: money(offer.once),
    monthly: t("billing:price.month", { amount: money(offer.monthly) }),
    yearly: t("billing:price.year", { amount: money(offer.yearly) }),
  };
  return offer.trialDays > 0
    ? t("talents:paywall.offerTrial", { ...prices, count: offer.trialDays })
    : t("talents:paywall.offer", prices);
}
