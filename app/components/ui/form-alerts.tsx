import { useTranslation } from "react-i18next";
import type { Message } from "../../i18n/messages";
import { translateMessage } from "../../i18n/messages";

/**
 * The 429 notice above a rate-limited form; `attempts` names them (login, sign-up), `scope`
 * says what was counted: the visitor's network, or failed logins to one account.
 */
export function TooManyAttempts({
  attempts,
  retryAfterSeconds,
  scope = "network",
}: {
  attempts: "login" | "signUp";
  retryAfterSeconds: number;
  scope?: "network" | "account";
}) {
  const { t } = useTranslation("common");
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const retryIn =
    retryAfterSeconds >= 55
      ? t("common:retryIn.minutes", { count: minutes })
      : t("common:retryIn.seconds", { count: retryAfterSeconds });
  const keys = {
    login: {
      network: "common:tooManyAttempts.login.network",
      account: "common:tooManyAttempts.login.account",
    },
    signUp: {
      network: "common:tooManyAttempts.signUp.network",
      account: "common:tooManyAttempts.signUp.account",
    },
  } as const;
  return (
    <div className="notice bad" role="alert">
      <h2>{t("common:tooManyAttempts.title")}</h2>
      <p>{t(keys[attempts][scope], { retryIn })}</p>
    </div>
  );
}

/** An error about the whole form rather than one field, in the page's language. */
export function FormError({ message }: { message: Message | null | undefined }) {
  const { t } = useTranslation("common");
  const text = translateMessage(t, message);
  return text ? (
    <p className="form-error" role="alert">
      {text}
    </p>
  ) : null;
}
