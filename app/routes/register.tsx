import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { SiteHeader } from "../components/site-header";
import type { RouteHandle } from "../i18n/handle";
import { getLanguage } from "../i18n/i18next.server";
import { FormError, TooManyAttempts } from "../components/ui/form-alerts";
import { StatusButton } from "../components/ui/status-button";
import { TextField } from "../components/ui/text-field";
import {
  MIN_PASSWORD_LENGTH,
  registerSchema,
  requireAnonymous,
  signInAndRedirect,
} from "../lib/auth.server";
import { db } from "../lib/db.server";
import { formValues, parseForm, readForm } from "../lib/forms.server";
import { hashPassword, PasswordHashingBusyError } from "../lib/password.server";
import { checkRateLimit, retryAfterHeaders } from "../lib/rate-limit.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { createUser, EmailTakenError } from "../lib/users.server";
import { roleLabel, ROLES } from "../lib/roles";

export const handle: RouteHandle = { i18n: ["auth"] };

export const meta: MetaFunction = () => [{ title: "Create an account | Talents Acting" }];

export const headers = retryAfterHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return { minPasswordLength: MIN_PASSWORD_LENGTH };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireAnonymous(request);
  const limit = await checkRateLimit(request, "register");
  if (!limit.allowed) {
    return data(
      {
        rateLimited: { retryAfterSeconds: limit.retryAfterSeconds },
        fieldErrors: {},
        formError: null,
        values: {},
      },
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );
  }

  const read = await readForm(request);
  if (!read.ok)
    return data(
      { rateLimited: null, fieldErrors: {}, formError: read.formError, values: {} },
      { status: read.status },
    );
  const { form } = read;
  const { name = "", email = "", role = "" } = formValues(form);
  const values = { name: name.slice(0, 200), email: email.slice(0, 200), role: role.slice(0, 20) };
  const parsed = parseForm(registerSchema, form);
  if (!parsed.ok)
    return data(
      { rateLimited: null, fieldErrors: parsed.fieldErrors, formError: null, values },
      { status: 400 },
    );

  const { password, ...account } = parsed.data;
  try {
    const user = await createUser(db(), {
      ...account,
      passwordHash: await hashPassword(password),
      // Emails sent later go out in the language the member signed up in.
      locale: await getLanguage(request),
    });
    return signInAndRedirect(request, user, `/dashboard/${user.role}`);
  } catch (error) {
    if (error instanceof PasswordHashingBusyError) {
      return data(
        {
          rateLimited: null,
          fieldErrors: {},
          formError: "Too many people are signing up right now. Please try again in a few seconds.",
          values,
        },
        { status: 503, headers: { "Retry-After": String(error.retryAfterSeconds) } },
      );
    }
    if (!(error instanceof EmailTakenError)) throw error;
    return data(
      { rateLimited: null, fieldErrors: { email: error.message }, formError: null, values },
      { status: 400 },
    );
  }
}

export default function Register() {
  const { minPasswordLength } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = result?.fieldErrors ?? {};
  const values: Record<string, string | undefined> = result?.values ?? {};

  return (
    <>
      <SiteHeader user={null} />
      <main id="main" className="page narrow">
        <h1>Create an account</h1>
        {result?.rateLimited ? (
          <TooManyAttempts
            attempts="signUp"
            retryAfterSeconds={result.rateLimited.retryAfterSeconds}
          />
        ) : null}
        <Form method="post" className="card" noValidate>
          <FormError message={result?.formError} />
          <TextField
            label="Name"
            name="name"
            type="text"
            autoComplete="name"
            required
            maxLength={200}
            defaultValue={values.name}
            error={errors.name}
          />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            maxLength={200}
            defaultValue={values.email}
            error={errors.email}
          />
          {/* No maxLength: a browser would cut a long pasted password silently; the server
              refuses one over 200 characters with a field error instead. */}
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={minPasswordLength}
            error={errors.password}
            hint={<>At least {minPasswordLength} characters, not a common password.</>}
          />
          <fieldset
            aria-invalid={errors.role ? true : undefined}
            aria-describedby={errors.role ? "role-error" : undefined}
          >
            <legend>Role</legend>
            <div className="radio-row">
              {ROLES.map((r) => (
                <label key={r}>
                  <input
                    type="radio"
                    name="role"
                    value={r}
                    required
                    defaultChecked={values.role === r}
                  />
                  {roleLabel(r)}
                </label>
              ))}
            </div>
            {errors.role ? (
              <p className="field-error" id="role-error">
                {errors.role}
              </p>
            ) : null}
          </fieldset>
          <StatusButton className="wide" pendingLabel="Creating your account...">
            Create account
          </StatusButton>
        </Form>
        <p className="muted">
          Already have an account? <Link to="/login">Log in</Link>
        </p>
      </main>
    </>
  );
}
