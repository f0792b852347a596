import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ActionWords, MemberSummary } from "../billing/member-words.server";
import { StatusButton } from "./ui/status-button";

/** A member action: a link, or a form posting to the billing page (the customer portal). */
export function MemberActionButton({
  action,
  secondary = false,
}: {
  action: ActionWords;
  secondary?: boolean;
}) {
  const { t } = useTranslation("billing");
  const className = secondary ? "button secondary" : "button";
  if (action.method === "get")
    return (
      <Link to={action.href} className={className} data-testid={`action-${action.kind}`}>
        {action.label}
      </Link>
    );
  return (
    <Form method="post" action={action.href}>
      <input type="hidden" name="intent" value={action.intent ?? "manage"} />
      <StatusButton
        className={secondary ? "secondary" : undefined}
        pendingLabel={t("billing:action.opening")}
        data-testid={`action-${action.kind}`}
      >
        {action.label}
      </StatusButton>
    </Form>
  );
}

/** The member's plan, status line, next charge, warning and actions: the same on every page. */
export function MemberStatus({
  summary,
  showCard = false,
}: {
  summary: MemberSummary;
  showCard?: boolean;
}) {
  const { t } = useTranslation("billing");
  return (
    <>
      <dl className="account-facts">
        <dt>{t("billing:summary.plan")}</dt>
        <dd>{summary.planName ?? t("billing:summary.noPlan")}</dd>
        {summary.price ? (
          <>
            <dt>{t("billing:summary.priceLabel")}</dt>
            <dd>{summary.price}</dd>
          </>
        ) : null}
        <dt>{t("billing:summary.statusLabel")}</dt>
        <dd>
          <span className={`status-line ${summary.tone}`} data-testid="member-status">
            {summary.statusLine}
          </span>
        </dd>
        {summary.nextCharge ? (
          <>
            <dt>{t("billing:summary.nextChargeLabel")}</dt>
            <dd data-testid="next-charge">{summary.nextCharge}</dd>
          </>
        ) : null}
        {showCard && summary.card ? (
          <>
            <dt>{t("billing:summary.cardLabel")}</dt>
            <dd>{summary.card}</dd>
          </>
        ) : null}
      </dl>
      {summary.warning ? (
        <p className={`notice ${summary.tone === "bad" ? "bad" : "warn"}`} role="status">
          {summary.warning}
        </p>
      ) : null}
      {summary.note ? <p className="muted">{summary.note}</p> : null}
      {summary.primary || summary.secondary ? (
        <div className="actions">
          {summary.primary ? <MemberActionButton action={summary.primary} /> : null}
          {summary.secondary ? <MemberActionButton action={summary.secondary} secondary /> : null}
        </div>
      ) : null}
    </>
  );
}
