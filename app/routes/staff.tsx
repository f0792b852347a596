import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { st } from "../staff/text";

export const meta: MetaFunction = () => [
  { title: `${st("title")} | Talents Acting` },
  { name: "robots", content: "noindex" },
];

export const headers: HeadersFunction = () => STAFF_HEADERS;

export async function loader({ request }: LoaderFunctionArgs) {
  const { staff } = await requireStaff(request);
  return data({ staff: { email: staff.email } }, { headers: STAFF_HEADERS });
}

const LINKS = [
  ["/staff", "nav.overview"],
  ["/staff/members", "nav.members"],
  ["/staff/payments", "nav.payments"],
  ["/staff/events", "nav.events"],
  ["/staff/emails", "nav.emails"],
  ["/staff/reconciliation", "nav.reconciliation"],
  ["/staff/audit", "nav.audit"],
] as const;

export default function StaffLayout() {
  const { staff } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="site-header">
        <NavLink to="/staff" end className="brand">
          {st("title")}
        </NavLink>
        <nav aria-label={st("nav.label")}>
          {LINKS.map(([to, key]) => (
            <NavLink key={to} to={to} end={to === "/staff"}>
              {st(key)}
            </NavLink>
          ))}
          <span className="muted">{st("nav.signedInAs", { email: staff.email })}</span>
          <Form method="post" action="/logout">
            <button type="submit" className="button secondary">
              Log out
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
