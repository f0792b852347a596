import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { db } from "../lib/db.server";
import { requireStaff, STAFF_HEADERS, staffNotFound } from "../staff/guard.server";
import { parseId } from "../staff/members.server";
import { renderOutboxEmail } from "../staff/outbox.server";

export const headers: HeadersFunction = () => STAFF_HEADERS;

/** One email of the outbox: its state, and its text; the HTML opens at /staff/emails/:id/html. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request);
  const id = parseId(params.id);
  const email = id === null ? undefined : await renderOutboxEmail(db(), id);
  if (!email) throw staffNotFound("There is no such email.");
  const { row, shown, renderError } = email;
  return data(
    {
      id: row.id,
      to: row.to_email,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      template: row.template,
      queued: row.created_at,
      sent: row.sent_at,
      dropped: row.body_dropped_at,
      subject: shown?.subject ?? null,
      text: shown?.text ?? null,
      source: shown?.source ?? null,
      renderError,
    },
    { headers: STAFF_HEADERS },
  );
}

export default function StaffEmail() {
  const e = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{e.subject ?? `Email ${e.id}`}</h1>
      <dl className="account-facts">
        <dt>To</dt>
        <dd>{e.to}</dd>
        <dt>Status</dt>
        <dd>
          {e.status} ({e.attempts} attempt(s)){e.lastError ? `: ${e.lastError}` : ""}
        </dd>
        <dt>Template</dt>
        <dd>{e.template ?? "-"}</dd>
        <dt>Queued</dt>
        <dd>{e.queued}</dd>
        <dt>Sent</dt>
        <dd>{e.sent ?? "-"}</dd>
      </dl>
      {e.text !== null ? (
        <>
          <p>
            {e.source === "preview"
              ? "Not sent yet: rendered now from its template, as the dispatcher will send it."
              : "As it was sent."}{" "}
            <a href={`/staff/emails/${e.id}/html`}>Open the HTML version</a>
          </p>
          <pre className="staff-email-text">{e.text}</pre>
        </>
      ) : (
        <p className="muted">
          {e.renderError ??
            `The content is no longer kept (retention dropped it on ${e.dropped ?? "-"}).`}
        </p>
      )}
    </>
  );
}
