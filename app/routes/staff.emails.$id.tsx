import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { db } from "../lib/db.server";
import { requestWords } from "../i18n/words.server";
import { requireStaff, STAFF_HEADERS, staffNotFound } from "../staff/guard.server";
import { parseId } from "../staff/members.server";
import { renderOutboxEmail } from "../staff/outbox.server";
import { OUTBOX_STATUS_KEYS, useStaffText } from "../staff/text";
import { st } from "../staff/text.server";
import type { RouteHandle } from "../i18n/handle";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t, data) =>
    `${(data as { subject?: string | null } | undefined)?.subject ?? t("staff:emails.title")} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

/** One email of the outbox: its state, and its text; the HTML opens at /staff/emails/:id/html. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request);
  const f = await requestWords(request);
  const id = parseId(params.id);
  const email = id === null ? undefined : await renderOutboxEmail(db(), id);
  if (!email) throw staffNotFound(st("staff:messages.emailMissing"));
  const { row, shown, renderError } = email;
  return data(
    {
      id: row.id,
      to: row.to_email,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      template: row.template,
      queued: f.dateTime(row.created_at),
      sent: row.sent_at ? f.dateTime(row.sent_at) : null,
      dropped: row.body_dropped_at ? f.date(row.body_dropped_at) : null,
      subject: shown?.subject ?? null,
      text: shown?.text ?? null,
      source: shown?.source ?? null,
      renderError,
    },
    { headers: STAFF_HEADERS },
  );
}

export default function StaffEmail() {
  const tr = useStaffText();
  const e = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{e.subject ?? tr("staff:email.untitled", { id: e.id })}</h1>
      <dl className="account-facts">
        <dt>{tr("staff:columns.to")}</dt>
        <dd>{e.to}</dd>
        <dt>{tr("staff:columns.status")}</dt>
        <dd>
          {tr(OUTBOX_STATUS_KEYS[e.status])} ({tr("staff:email.attempts", { n: e.attempts })})
          {e.lastError ? `: ${e.lastError}` : ""}
        </dd>
        <dt>{tr("staff:email.template")}</dt>
        <dd>{e.template ?? "-"}</dd>
        <dt>{tr("staff:columns.queued")}</dt>
        <dd>{e.queued}</dd>
        <dt>{tr("staff:columns.sent")}</dt>
        <dd>{e.sent ?? "-"}</dd>
      </dl>
      {e.text !== null ? (
        <>
          <p>
            {tr(e.source === "preview" ? "staff:email.preview" : "staff:email.asSent")}{" "}
            <a href={`/staff/emails/${e.id}/html`}>{tr("staff:email.openHtml")}</a>
          </p>
          <pre className="staff-email-text">{e.text}</pre>
        </>
      ) : (
        <p className="muted">
          {e.renderError ?? tr("staff:email.dropped", { date: e.dropped ?? "-" })}
        </p>
      )}
    </>
  );
}
