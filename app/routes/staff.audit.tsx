import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { db } from "../lib/db.server";
import { listAudit } from "../staff/audit.server";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { parseId } from "../staff/members.server";
import { useStaffText } from "../staff/text";

export const headers: HeadersFunction = () => STAFF_HEADERS;

/** The audit log, newest first, 50 a page by id. Read-only: this route has no action. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const url = new URL(request.url);
  const before = parseId(url.searchParams.get("before"));
  const page = await listAudit(db(), { before });
  return data(
    {
      entries: page.entries.map((a) => ({
        id: a.id,
        at: a.at.slice(0, 19).replace("T", " "),
        who: a.staff_email,
        action: a.action,
        member: a.target_user_id,
        target: a.target,
        reason: a.reason,
        outcome: a.outcome,
        error: a.error,
        before: a.before_json,
        after: a.after_json,
      })),
      nextPath: page.next === null ? null : `/staff/audit?before=${page.next}`,
      paged: before !== null,
    },
    { headers: STAFF_HEADERS },
  );
}

export default function StaffAudit() {
  const tr = useStaffText();
  const { entries, nextPath, paged } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{tr("staff:audit.title")}</h1>
      {entries.length === 0 ? (
        <p className="muted">{tr("staff:audit.empty")}</p>
      ) : (
        <table className="staff-audit">
          <thead>
            <tr>
              <th scope="col">{tr("staff:audit.when")}</th>
              <th scope="col">{tr("staff:audit.who")}</th>
              <th scope="col">{tr("staff:audit.action")}</th>
              <th scope="col">{tr("staff:audit.member")}</th>
              <th scope="col">{tr("staff:audit.target")}</th>
              <th scope="col">{tr("staff:common.reason")}</th>
              <th scope="col">{tr("staff:audit.outcome")}</th>
              <th scope="col">{tr("staff:audit.before")}</th>
              <th scope="col">{tr("staff:audit.after")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((a) => (
              <tr key={a.id}>
                <td>{a.at}</td>
                <td>{a.who}</td>
                <td>{a.action}</td>
                <td>
                  {a.member ? <Link to={`/staff/members/${a.member}`}>#{a.member}</Link> : "-"}
                </td>
                <td>{a.target ?? "-"}</td>
                <td>{a.reason ?? "-"}</td>
                <td>
                  {a.outcome}
                  {a.error ? `: ${a.error}` : ""}
                </td>
                <td>
                  <code>{a.before ?? "-"}</code>
                </td>
                <td>
                  <code>{a.after ?? "-"}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {paged ? <Link to="/staff/audit">{tr("staff:common.first")}</Link> : null}
        {paged && nextPath ? " | " : null}
        {nextPath ? <Link to={nextPath}>{tr("staff:common.next")}</Link> : null}
      </p>
    </>
  );
}
