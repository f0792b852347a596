import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import type { OutboxStatus } from "../../db/schema";
import { ActionNotice } from "../components/staff/action-notice";
import { StaffActionForm } from "../components/staff/action-form";
import { KeysetPager } from "../components/staff/keyset-pager";
import { TableSection } from "../components/staff/table-section";
import type { RouteHandle } from "../i18n/handle";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm } from "../lib/forms.server";
import { formNonce, nonceField } from "../staff/audit.server";
import { requestWords } from "../i18n/words.server";
import { requireStaff, requireStaffAction, STAFF_HEADERS } from "../staff/guard.server";
import { retryEmail } from "../staff/member-actions.server";
import { parseId } from "../staff/members.server";
import { listOutbox } from "../staff/outbox.server";
import { OUTBOX_STATUS_KEYS, staffMessage, useStaffText } from "../staff/text";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t) => `${t("staff:emails.title")} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

const SECTIONS: OutboxStatus[] = ["failed", "pending", "sent"];

/** The outbox: failed first, then pending, then sent; each 50 a page by id. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const f = await requestWords(request);
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
          queued: f.dateTime(e.created_at),
          next: e.status === "pending" ? f.dateTime(e.next_attempt_at) : null,
          sent: e.sent_at ? f.dateTime(e.sent_at) : null,
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
        message: parsed.ok
          ? staffMessage("staff:messages.chooseEmail")
          : (Object.values(parsed.fieldErrors)[0] ?? null),
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

export default function StaffEmails() {
  const tr = useStaffText();
  const { nonce, sections } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>{tr("staff:emails.title")}</h1>
      <ActionNotice result={result} />
      {sections.map((section) => (
        <TableSection
          key={section.status}
          id={section.status}
          title={tr(OUTBOX_STATUS_KEYS[section.status])}
          empty={tr("staff:emails.empty")}
          headers={[
            tr("staff:columns.queued"),
            tr("staff:columns.to"),
            tr("staff:columns.subject"),
            tr("staff:columns.attempts"),
            tr(section.status === "sent" ? "staff:columns.sent" : "staff:columns.nextOrError"),
            ...(section.status === "failed" ? [tr("staff:emails.retry")] : []),
          ]}
          rows={section.emails}
          row={(e) => (
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
                  <StaffActionForm
                    intent="retry"
                    nonce={nonce}
                    hidden={{ email: e.id }}
                    label={tr("staff:emails.retry")}
                  />
                </td>
              ) : null}
            </tr>
          )}
        >
          <KeysetPager nextPath={section.nextPath} />
        </TableSection>
      ))}
    </>
  );
}
