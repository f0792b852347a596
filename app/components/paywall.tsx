import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { MembershipOffer } from "../billing/offer.server";
import { DEFAULT_LANGUAGE, parseLanguage } from "../i18n/config";
import { formatMoney } from "../i18n/format";
import type { Message } from "../i18n/messages";
import { translateMessage } from "../i18n/messages";

export interface PaywallProps {
  message: Message;
  /** the viewer's own payment page; null when paying would not unlock this */
  paymentPath: string | null;
  /** the prices and trial, when paying would unlock this */
  offer?: MembershipOffer | null;
}

/** Shown in place of premium content the viewer may not see. */
export function Paywall({ message, paymentPath, offer }: PaywallProps) {
  const { t, i18n } = useTranslation("talents");
  const language = parseLanguage(i18n.language) ?? DEFAULT_LANGUAGE;
  const money = (m: { amount: number; currency: string }) =>
    formatMoney(m.amount, m.currency, language);
  const prices = offer
    ? {
        once: money(offer.once),
        monthly: t("billing:price.month", { amount: money(offer.monthly) }),
        yearly: t("billing:price.year", { amount: money(offer.yearly) }),
      }
    : null;
  return (
    <section className="card paywall" aria-labelledby="paywall-heading">
      <h2 id="paywall-heading">{t("talents:paywall.title")}</h2>
      <p>{translateMessage(t, message)}</p>
      {offer && prices ? (
        <p className="muted">
          {offer.trialDays > 0
            ? t("talents:paywall.offerTrial", { ...prices, count: offer.trialDays })
            : t("talents:paywall.offer", prices)}
        </p>
      ) : null}
      {paymentPath ? (
        <p>
          <Link to={paymentPath} className="button">
            {t("talents:paywall.choose")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
