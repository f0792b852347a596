/**
 * The 429 notice above a rate-limited form; `attempts` names them ("login", "sign-up"), `scope`
 * says what was counted: the visitor's network, or failed logins to one account.
 */
export function TooManyAttempts({
  attempts,
  retryIn,
  scope = "network",
}: {
  attempts: string;
  retryIn: string;
  scope?: "network" | "account";
}) {
  return (
    <div className="notice bad" role="alert">
      <h2>Too many attempts</h2>
      <p>
        {scope === "account"
          ? `Too many failed ${attempts} attempts for this account. If it is yours, log in from a browser you have used for it before, or try again ${retryIn}.`
          : `Too many ${attempts} attempts from your network. Please try again ${retryIn}.`}
      </p>
    </div>
  );
}

/** An error about the whole form rather than one field. */
export function FormError({ message }: { message: string | undefined }) {
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
}
