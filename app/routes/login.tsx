import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SiteHeader } from "../components/site-header";
import { FormError, TooManyAttempts } from "../components/ui/form-alerts";
import { StatusButton } from "../components/ui/status-button";
import { TextField } from "../components/ui/text-field";
import type { RouteHandle } from "../i18n/handle";
import {
  authenticator,
  INVALID_LOGIN,
  LOGIN_STRATEGY,
  LoginError,
  normalizeEmail,
  requireAnonymous,
  signInAndRedirect,
} from "../lib/auth.server";
import { knownDeviceFor } from "../lib/device-cookie.server";
import { formValues, readForm } from "../lib/forms.server";
import { PasswordHashingBusyError } from "../lib/password.server";
import { checkRateLimit, failedLogins, retryAfterHeaders } from "../lib/rate-limit.server";
import { safeRedirect } from "../lib/safe-redirect";
import { requireSameOrigin } from "../lib/same-origin.server";

// The catalogs this page uses (the browser loads only these) and its title.
export const handle: RouteHandle = { i18n: ["auth"], title: (t) => t("auth:login.title") };

export const headers = retryAfterHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireAnonymous(request);
  type Fields = {
    formError?: string;
    fieldErrors?: Record<string, string>;
    email?: string;
    scope?: "network" | "account";
  };
  const answer = (status: number, fields: Fields, retryAfterSeconds?: number) =>
    data(
      {
        rateLimited:
          status === 429 && retryAfterSeconds !== undefined
            ? { retryAfterSeconds, scope: fields.scope ?? "network" }
            : null,
        fieldErrors: fields.fieldErrors ?? {},
        formError: fields.formError ?? null,
        email: (fields.email ?? "").slice(0, 200),
      },
      {
        status,
        headers:
          retryAfterSeconds === undefined
            ? undefined
            : { "Retry-After": String(retryAfterSeconds) },
      },
    );

  const limit = await checkRateLimit(request, "login");
  if (!limit.allowed) return answer(429, {}, limit.retryAfterSeconds);

  const read = await readForm(request);
  if (!read.ok) return answer(read.status, { formError: read.formError });
  const { form } = read;
  const { email = "", redirectTo } = formValues(form);
  const account = normalizeEmail(email);
  // Guessing one account's password from many addresses is limited per account too; a browser
  // that signed in to it before is counted on its own, so strangers cannot lock the owner out.
  const failures = await failedLogins.check(account, await knownDeviceFor(request, account));
  if (!failures.limit.allowed)
    return answer(429, { email, scope: "account" }, failures.limit.retryAfterSeconds);

  try {
    const user = await authenticator.authenticate(LOGIN_STRATEGY, formRequestFor(request, form));
    await failedLogins.clear(failures.counter);
    return signInAndRedirect(request, user, safeRedirect(redirectTo, `/dashboard/${user.role}`));
  } catch (error) {
    if (error instanceof PasswordHashingBusyError) {
      return answer(503, { email, formError: BUSY }, error.retryAfterSeconds);
    }
    if (!(error instanceof LoginError)) throw error;
    if (error.formError === INVALID_LOGIN) await failedLogins.record(failures.counter);
    return answer(400, { email, fieldErrors: error.fieldErrors, formError: error.formError });
  }
}

const BUSY = "auth:errors.busy";

/**
 * The strategy reads the body itself. It gets the form already read, re-encoded, so a body
 * that is not a form is answered 400 above and can never make the strategy throw.
 */
function formRequestFor(request: Request, form: FormData): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
  return new Request(request.url, {
    method: "POST",
    headers,
    body: new URLSearchParams(formValues(form)),
  });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = safeRedirect(searchParams.get("redirectTo"), "");
  const errors: Record<string, string | undefined> = result?.fieldErrors ?? {};
  const { t } = useTranslation("auth");

  return (
    <>
      <SiteHeader user={null} />
      <main id="main" className="page narrow">
        <h1>{t("auth:login.title")}</h1>
        {result?.rateLimited ? (
          <TooManyAttempts
            attempts="login"
            retryAfterSeconds={result.rateLimited.retryAfterSeconds}
            scope={result.rateLimited.scope}
          />
        ) : null}
        <Form method="post" className="card" noValidate>
          <FormError message={result?.formError} />
          {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
          <TextField
            label={t("auth:login.email")}
            name="email"
            type="email"
            autoComplete="email"
            required
            maxLength={200}
            defaultValue={result?.email}
            error={errors.email}
          />
          <TextField
            label={t("auth:login.password")}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={200}
            error={errors.password}
          />
          <StatusButton className="wide" pendingLabel={t("auth:login.pending")}>
            {t("auth:login.submit")}
          </StatusButton>
        </Form>
        <p className="muted">
          {t("auth:login.newHere")} <Link to="/register">{t("auth:login.createAccount")}</Link>
        </p>
      </main>
    </>
  );
}
