/** The 429 notice above a rate-limited form; `attempts` names them ("login", "sign-up"). */
export function TooManyAttempts({ attempts, retryIn }: { attempts: string; retryIn: string }) {
  return (
    <div className="notice bad" role="alert">
      <h2>Too many attempts</h2>
      <p>
        Too many {attempts} attempts from your network. Please try again {retryIn}.
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
