import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { db } from "../lib/db.server";
import { listAudit } from "../staff/audit.server";
import { requestWords } from "../i18n/words.server";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { parseId } from "../staff/members.server";
import { useStaffText } from "../staff/text";
import { KeysetPager } from "../components/staff/keyset-pager";
import { AuditTable } from "../components/staff/audit-table";
import type { RouteHandle } from "../i18n/handle";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t) => `${t("staff:audit.title")} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

/** The audit log, newest first, 50 a page by id. Read-only: this route has no action. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const f = await requestWords(request);
  const url = new URL(request.url);
  const before = parseId(url.searchParams.get("before"));
  const page = await listAudit(db(), { before });
  return data(
    {
      entries: page.entries.map((a) => ({
        id: a.id,
        at: f.dateTime(a.at),
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
      <AuditTable entries={entries} full />
      <KeysetPager firstPath={paged ? "/staff/audit" : null} nextPath={nextPath} />
    </>
  );
}
