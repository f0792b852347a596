import type { InputHTMLAttributes, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Message } from "../../i18n/messages";
import { translateMessage } from "../../i18n/messages";

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name"> {
  label: string;
  /** also the input's id, and the stem of the error and hint ids */
  name: string;
  /** a catalog key (translated here) or text */
  error?: Message;
  /** shown under the input while there is no error */
  hint?: ReactNode;
}

/** A labelled input whose field error (or hint) is announced with it. */
export function TextField({ label, name, error: message, hint, ...inputProps }: Props) {
  const { t } = useTranslation("common");
  const error = translateMessage(t, message);
  const errorId = `${name}-error`;
  const hintId = hint ? `${name}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input
        id={name}
        name={name}
        {...inputProps}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : hintId}
      />
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
