import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { db } from "../lib/db.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { destroyUserSession } from "../lib/session.server";

// Signing out changes state, so only a POST does it; a GET (link, prefetch) just goes home.
export function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const cookie = await destroyUserSession(db(), request);
  return redirect("/", { status: 303, headers: { "Set-Cookie": cookie } });
}
