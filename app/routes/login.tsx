import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { SiteHeader } from "../components/site-header";
import { FormError, TooManyAttempts } from "../components/ui/form-alerts";
import { StatusButton } from "../components/ui/status-button";
import { TextField } from "../components/ui/text-field";
import { authenticator, LOGIN_STRATEGY, LoginError, requireAnonymous, signInAndRedirect } from "../lib/auth.server";
import { formValues, readFormData, UNREADABLE_FORM } from "../lib/forms.server";
import { checkRateLimit, retryAfterHeaders, retryAfterText } from "../lib/rate-limit.server";
import { safeRedirect } from "../lib/safe-redirect";

export const meta: MetaFunction = () => [{ title: "Log in | Talents Acting" }];

export const headers = retryAfterHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  await requireAnonymous(request);
  const limit = checkRateLimit(request, "login");
  if (!limit.allowed) {
    return data(
      { rateLimited: { retryIn: retryAfterText(limit.retryAfterSeconds) }, fieldErrors: {}, formError: null, email: "" },
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );
  }

  const form = await readFormData(request);
  if (!form) {
    return data({ rateLimited: null, fieldErrors: {}, formError: UNREADABLE_FORM, email: "" }, { status: 400 });
  }
  const { email = "", redirectTo } = formValues(form);
  try {
    const user = await authenticator.authenticate(LOGIN_STRATEGY, formRequestFor(request, form));
    return signInAndRedirect(request, user, safeRedirect(redirectTo, `/dashboard/${user.role}`));
  } catch (error) {
    if (!(error instanceof LoginError)) throw error;
    return data(
      { rateLimited: null, fieldErrors: error.fieldErrors, formError: error.formError ?? null, email: email.slice(0, 200) },
      { status: 400 },
    );
  }
}

/**
 * The strategy reads the body itself. It gets the form already read, re-encoded, so a body
 * that is not a form is answered 400 above and can never make the strategy throw.
 */
function formRequestFor(request: Request, form: FormData): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
  return new Request(request.url, { method: "POST", headers, body: new URLSearchParams(formValues(form)) });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = safeRedirect(searchParams.get("redirectTo"), "");
  const errors: Record<string, string | undefined> = result?.fieldErrors ?? {};

  return (
    <>
      <SiteHeader user={null} />
      <main className="page narrow">
        <h1>Log in</h1>
        {result?.rateLimited ? <TooManyAttempts attempts="login" retryIn={result.rateLimited.retryIn} /> : null}
        <Form method="post" className="card" noValidate>
          <FormError message={result?.formError} />
          {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
          <TextField label="Email" name="email" type="email" autoComplete="email" required maxLength={200} defaultValue={result?.email} error={errors.email} />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" required maxLength={200} error={errors.password} />
          <StatusButton className="wide" pendingLabel="Logging in...">
            Log in
          </StatusButton>
        </Form>
        <p className="muted">
          New here? <Link to="/register">Create an account</Link>
        </p>
      </main>
    </>
  );
}
