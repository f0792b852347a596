import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { parseLanguage } from "../i18n/config";
import { languageCookie } from "../i18n/i18next.server";
import { saveMemberLanguage, syncStripeLanguage } from "../i18n/member-language.server";
import { stripe } from "../lib/stripe.server";
import { getUser } from "../lib/auth.server";
import { db } from "../lib/db.server";
import { formValues, readForm } from "../lib/forms.server";
import { safeRedirect } from "../lib/safe-redirect";
import { requireSameOrigin } from "../lib/same-origin.server";

/** The page to go back to, without a ?lng= that would outrank the choice just made. */
function withoutLanguageParam(path: string): string {
  const url = new URL(path, "http://app.invalid");
  if (!url.searchParams.has("lng")) return path;
  url.searchParams.delete("lng");
  return url.pathname + url.search + url.hash;
}

// The switcher posts here (a plain form, so it works without JavaScript); a GET just goes home.
export function loader() {
  return redirect("/");
}

/**
 * Keeps the chosen language in a cookie and, for a signed-in member, on the account; then goes
 * back to the page the switcher was on. An unknown code changes nothing and is not an error.
 */
export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const read = await readForm(request);
  const values = read.ok ? formValues(read.form) : {};
  const back = withoutLanguageParam(safeRedirect(values.redirectTo, "/"));
  const language = parseLanguage(values.lng);
  if (!language) return redirect(back, { status: 303 });
  const user = await getUser(request);
  if (user) {
    await saveMemberLanguage(db(), user.id, language);
    await syncStripeLanguage(db(), stripe(), user.id, language);
  }
  return redirect(back, {
    status: 303,
    headers: { "Set-Cookie": await languageCookie().serialize(language) },
  });
}
