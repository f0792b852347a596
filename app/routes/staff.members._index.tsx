import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ROLES } from "../lib/roles";
import { db } from "../lib/db.server";
import { requestWords } from "../i18n/words.server";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { MAX_SEARCH, STATUSES } from "../staff/constants";
import { listMembers, parseMemberQuery } from "../staff/members.server";
import { MEMBER_STATUS_KEYS, ROLE_KEYS, useStaffText } from "../staff/text";
import { KeysetPager } from "../components/staff/keyset-pager";
import { StaffTable } from "../components/staff/table-section";
import type { RouteHandle } from "../i18n/handle";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t) => `${t("staff:members.title")} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const f = await requestWords(request);
  const url = new URL(request.url);
  const query = parseMemberQuery(url);
  const page = await listMembers(db(), query);
  const nextParams = new URLSearchParams();
  if (query.q) nextParams.set("q", query.q);
  if (query.role) nextParams.set("role", query.role);
  if (query.status) nextParams.set("status", query.status);
  const firstPath = `/staff/members${nextParams.size > 0 ? `?${nextParams}` : ""}`;
  if (page.next !== null) nextParams.set("after", String(page.next));
  return data(
    {
      query: { q: query.q, role: query.role ?? "", status: query.status ?? "" },
      members: page.members.map((m) => ({
        id: m.id,
        name: m.name,
        email: m.email,
        role: m.role,
        status: m.subscription_status,
        accessUntil: m.access_expires_at ? f.date(m.access_expires_at) : null,
        since: f.date(m.created_at),
        staff: m.is_staff === 1,
      })),
      nextPath: page.next === null ? null : `/staff/members?${nextParams}`,
      firstPath: query.after === null ? null : firstPath,
    },
    { headers: STAFF_HEADERS },
  );
}

export default function StaffMembers() {
  const tr = useStaffText();
  const { query, members, nextPath, firstPath } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{tr("staff:members.title")}</h1>
      <Form method="get" className="card staff-filters" role="search">
        <div className="field">
          <label htmlFor="q">{tr("staff:members.search")}</label>
          <input id="q" name="q" type="search" defaultValue={query.q} maxLength={MAX_SEARCH} />
        </div>
        <div className="field">
          <label htmlFor="role">{tr("staff:members.role")}</label>
          <select id="role" name="role" defaultValue={query.role}>
            <option value="">{tr("staff:common.all")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tr(ROLE_KEYS[r])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="status">{tr("staff:members.status")}</label>
          <select id="status" name="status" defaultValue={query.status}>
            <option value="">{tr("staff:common.all")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {tr(MEMBER_STATUS_KEYS[s])}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {tr("staff:common.filter")}
        </button>
      </Form>
      <StaffTable
        empty={tr("staff:members.empty")}
        headers={[
          tr("staff:members.name"),
          tr("staff:members.email"),
          tr("staff:members.role"),
          tr("staff:members.status"),
          tr("staff:members.accessUntil"),
          tr("staff:members.since"),
        ]}
        rows={members}
        row={(m) => (
          <tr key={m.id}>
            <td>
              <Link to={`/staff/members/${m.id}`}>{m.name}</Link>
              {m.staff ? ` ${tr("staff:members.staffFlag")}` : null}
            </td>
            <td>{m.email}</td>
            <td>{tr(ROLE_KEYS[m.role])}</td>
            <td>{tr(MEMBER_STATUS_KEYS[m.status])}</td>
            <td>{m.accessUntil ?? "-"}</td>
            <td>{m.since}</td>
          </tr>
        )}
      />
      <KeysetPager firstPath={firstPath} nextPath={nextPath} />
    </>
  );
}
