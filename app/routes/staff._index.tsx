import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { st } from "../staff/text";

export const headers: HeadersFunction = () => STAFF_HEADERS;

export async function loader({ request }: LoaderFunctionArgs) {
  const { staff } = await requireStaff(request);
  return data({ email: staff.email }, { headers: STAFF_HEADERS });
}

export default function StaffOverview() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{st("overview.title")}</h1>
      <p className="muted">{st("nav.signedInAs", { email })}</p>
    </>
  );
}
