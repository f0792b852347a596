import { Form, Link } from "@remix-run/react";
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
        pendingLabel="Opening billing..."
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
  return (
    <>
      <dl className="account-facts">
        <dt>Plan</dt>
        <dd>{summary.planName ?? "None yet"}</dd>
        {summary.price ? (
          <>
            <dt>Price</dt>
            <dd>{summary.price}</dd>
          </>
        ) : null}
        <dt>Status</dt>
        <dd>
          <span className={`status-line ${summary.tone}`} data-testid="member-status">
            {summary.statusLine}
          </span>
        </dd>
        {summary.nextCharge ? (
          <>
            <dt>Next charge</dt>
            <dd data-testid="next-charge">{summary.nextCharge}</dd>
          </>
        ) : null}
        {showCard && summary.card ? (
          <>
            <dt>Card</dt>
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
