import { Link } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { translateMessage } from "../i18n/messages";
import type { Role } from "../../db/schema";
import { receiptPath } from "../billing/member-view";
import type { CheckoutReturn } from "../payments/success.server";

interface Props {
  result: CheckoutReturn;
  role: Role;
}

/** What a member sees on the success page for each outcome of the return from Checkout. */
export function PaymentOutcome({ result, role }: Props) {
  const { t } = useTranslation("payment");
  return (
    <>
      {result.kind === "paid" ? (
        <>
          <h1>{t("payment:outcome.paidHeading")}</h1>
          <p className="notice ok">{t("payment:outcome.paid", { date: result.accessEndsOn })}</p>
          <p className="muted">
            {t("payment:outcome.emailOnItsWay")}{" "}
            <Trans
              t={t}
              i18nKey="payment:outcome.receipt"
              components={{ receipt: <a href={receiptPath(role, result.paymentId)} /> }}
            />
          </p>
        </>
      ) : result.kind === "processing" ? (
        <>
          <h1>{t("payment:outcome.confirming")}</h1>
          <p className="notice" role="status">
            {t("payment:outcome.processing")}
          </p>
        </>
      ) : result.kind === "expired" ? (
        <>
          <h1>{t("payment:outcome.expiredHeading")}</h1>
          <p className="notice warn">{t("payment:outcome.expired")}</p>
          <p>
            <Link to={`/dashboard/${role}/payment`}>{t("payment:outcome.paymentPage")}</Link>
          </p>
        </>
      ) : (
        <>
          <h1>{t("payment:outcome.problem")}</h1>
          <p className="notice bad" role="alert">
            {translateMessage(t, result.message)}
          </p>
        </>
      )}
      <p>
        <Link to={`/dashboard/${role}`} className="button">
          {t("payment:outcome.dashboard")}
        </Link>
      </p>
    </>
  );
}
