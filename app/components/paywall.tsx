import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { MembershipOffer } from "../billing/offer.server";
import { DEFAULT_LANGUAGE, parseLanguage } from "../i18n/config";
import { offerSentence } from "../i18n/offer-words";
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
  return (
    <section className="card paywall" aria-labelledby="paywall-heading">
      <h2 id="paywall-heading">{t("talents:paywall.title")}</h2>
      <p>{translateMessage(t, message)}</p>
      {offer ? <p className="muted">{offerSentence(t, offer, language)}</p> : null}
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
