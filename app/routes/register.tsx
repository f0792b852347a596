import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { translateMessage } from "../i18n/messages";
import { roleName } from "../i18n/plans";
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
import { ROLES } from "../lib/roles";

export const handle: RouteHandle = { i18n: ["auth"], title: (t) => t("auth:register.title") };

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
          formError: "auth:errors.signUpBusy",
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
  const { t } = useTranslation("auth");

  return (
    <>
      <SiteHeader user={null} />
      <main id="main" className="page narrow">
        <h1>{t("auth:register.title")}</h1>
        {result?.rateLimited ? (
          <TooManyAttempts
            attempts="signUp"
            retryAfterSeconds={result.rateLimited.retryAfterSeconds}
          />
        ) : null}
        <Form method="post" className="card" noValidate>
          <FormError message={result?.formError} />
          <TextField
            label={t("auth:register.name")}
            name="name"
            type="text"
            autoComplete="name"
            required
            maxLength={200}
            defaultValue={values.name}
            error={errors.name}
          />
          <TextField
            label={t("auth:login.email")}
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
            label={t("auth:login.password")}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={minPasswordLength}
            error={errors.password}
            hint={t("auth:register.passwordHint", { count: minPasswordLength })}
          />
          <fieldset
            aria-invalid={errors.role ? true : undefined}
            aria-describedby={errors.role ? "role-error" : undefined}
          >
            <legend>{t("auth:register.role")}</legend>
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
                  {roleName(t, r)}
                </label>
              ))}
            </div>
            {errors.role ? (
              <p className="field-error" id="role-error">
                {translateMessage(t, errors.role)}
              </p>
            ) : null}
          </fieldset>
          <StatusButton className="wide" pendingLabel={t("auth:register.pending")}>
            {t("auth:register.submit")}
          </StatusButton>
        </Form>
        <p className="muted">
          {t("auth:register.haveAccount")} <Link to="/login">{t("auth:login.submit")}</Link>
        </p>
      </main>
    </>
  );
}
