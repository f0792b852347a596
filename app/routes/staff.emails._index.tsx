import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import type { OutboxStatus } from "../../db/schema";
import { StatusButton } from "../components/ui/status-button";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm } from "../lib/forms.server";
import { formNonce, nonceField } from "../staff/audit.server";
import { requireStaff, requireStaffAction, STAFF_HEADERS } from "../staff/guard.server";
import { retryEmail } from "../staff/member-actions.server";
import { parseId } from "../staff/members.server";
import { listOutbox } from "../staff/outbox.server";
import { useStaffText } from "../staff/text";

export const headers: HeadersFunction = () => STAFF_HEADERS;

const SECTIONS: OutboxStatus[] = ["failed", "pending", "sent"];

/** The outbox: failed first, then pending, then sent; each 50 a page by id. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const url = new URL(request.url);
  const sections = await Promise.all(
    SECTIONS.map(async (status) => {
      const page = await listOutbox(db(), status, parseId(url.searchParams.get(status)));
      const params = new URLSearchParams(url.searchParams);
      if (page.next !== null) params.set(status, String(page.next));
      return {
        status,
        emails: page.emails.map((e) => ({
          id: e.id,
          to: e.to_email,
          subject: e.subject ?? e.template ?? "-",
          attempts: e.attempts,
          lastError: e.last_error,
          queued: e.created_at.slice(0, 19).replace("T", " "),
          next: e.status === "pending" ? e.next_attempt_at.slice(0, 19).replace("T", " ") : null,
          sent: e.sent_at?.slice(0, 19).replace("T", " ") ?? null,
        })),
        nextPath: page.next === null ? null : `/staff/emails?${params}`,
      };
    }),
  );
  return data({ nonce: formNonce(), sections }, { headers: STAFF_HEADERS });
}

const retrySchema = z.object({
  intent: z.literal("retry"),
  nonce: nonceField,
  email: z.string().max(20),
});

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireStaffAction(request);
  const parsed = parseForm(retrySchema, session.form);
  const emailId = parsed.ok ? parseId(parsed.data.email) : null;
  if (!parsed.ok || emailId === null)
    return data(
      {
        ok: false,
        message: parsed.ok ? "Choose an email" : (Object.values(parsed.fieldErrors)[0] ?? ""),
      },
      { status: 400, headers: STAFF_HEADERS },
    );
  const result = await retryEmail(db(), {
    staff: session.staff,
    emailId,
    requestKey: `${parsed.data.nonce}:retry:${emailId}`,
    now: clockNow(),
  });
  return data(
    { ok: result.ok, message: result.message },
    { status: result.ok ? 200 : result.status, headers: STAFF_HEADERS },
  );
}

const TITLES: Record<OutboxStatus, string> = { failed: "Failed", pending: "Pending", sent: "Sent" };

export default function StaffEmails() {
  const tr = useStaffText();
  const { nonce, sections } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>{tr("staff:emails.title")}</h1>
      {result?.message ? (
        <p className={`notice ${result.ok ? "good" : "bad"}`} role={result.ok ? "status" : "alert"}>
          {result.message}
        </p>
      ) : null}
      {sections.map((section) => (
        <section
          key={section.status}
          className="card"
          aria-labelledby={`${section.status}-heading`}
        >
          <h2 id={`${section.status}-heading`}>{TITLES[section.status]}</h2>
          {section.emails.length === 0 ? (
            <p className="muted">{tr("staff:emails.empty")}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Queued</th>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">{section.status === "sent" ? "Sent" : "Next attempt / error"}</th>
                  {section.status === "failed" ? (
                    <th scope="col">{tr("staff:emails.retry")}</th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {section.emails.map((e) => (
                  <tr key={e.id}>
                    <td>{e.queued}</td>
                    <td>{e.to}</td>
                    <td>
                      <Link to={`/staff/emails/${e.id}`}>{e.subject}</Link>
                    </td>
                    <td>{e.attempts}</td>
                    <td>{e.sent ?? e.lastError ?? e.next ?? "-"}</td>
                    {section.status === "failed" ? (
                      <td>
                        <Form method="post">
                          <input type="hidden" name="intent" value="retry" />
                          <input type="hidden" name="nonce" value={nonce} />
                          <input type="hidden" name="email" value={e.id} />
                          <StatusButton>{tr("staff:emails.retry")}</StatusButton>
                        </Form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {section.nextPath ? <Link to={section.nextPath}>{tr("staff:common.next")}</Link> : null}
        </section>
      ))}
    </>
  );
}
