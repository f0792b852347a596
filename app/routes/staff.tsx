import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import type { RouteHandle } from "../i18n/handle";
import { useStaffText } from "../staff/text";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t) => `${t("staff:title")} | Talents Acting`,
};

export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

export const headers: HeadersFunction = () => STAFF_HEADERS;

export async function loader({ request }: LoaderFunctionArgs) {
  const { staff } = await requireStaff(request);
  return data({ staff: { email: staff.email } }, { headers: STAFF_HEADERS });
}

const LINKS = [
  ["/staff", "staff:nav.overview"],
  ["/staff/members", "staff:nav.members"],
  ["/staff/payments", "staff:nav.payments"],
  ["/staff/events", "staff:nav.events"],
  ["/staff/emails", "staff:nav.emails"],
  ["/staff/reconciliation", "staff:nav.reconciliation"],
  ["/staff/audit", "staff:nav.audit"],
] as const;

export default function StaffLayout() {
  const tr = useStaffText();
  const { staff } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="site-header">
        <NavLink to="/staff" end className="brand">
          {tr("staff:title")}
        </NavLink>
        <nav aria-label={tr("staff:nav.label")}>
          {LINKS.map(([to, key]) => (
            <NavLink key={to} to={to} end={to === "/staff"}>
              {tr(key)}
            </NavLink>
          ))}
          <span className="muted">{tr("staff:nav.signedInAs", { email: staff.email })}</span>
          <Form method="post" action="/logout">
            <button type="submit" className="button secondary">
              {tr("staff:nav.logout")}
            </button>
          </Form>
        </nav>
      </header>
      <main className="page staff">
        <Outlet />
      </main>
    </>
  );
}
