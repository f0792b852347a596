import { useNavigation } from "@remix-run/react";
import type { ButtonHTMLAttributes, ReactNode } from "react";

interface Props extends ButtonHTMLAttributes<HTMLButtonElement> {
  children: ReactNode;
  pendingLabel?: ReactNode;
}

/**
 * A submit button that shows a pending state and refuses a second submit while its form's
 * navigation runs. Without JavaScript it is a plain submit button.
 */
export function StatusButton({ children, pendingLabel, className, formAction, ...rest }: Props) {
  const navigation = useNavigation();
  const pending =
    navigation.state !== "idle" &&
    navigation.formMethod?.toLowerCase() === "post" &&
    (formAction === undefined || navigation.formAction === formAction);
  return (
    <button
      type="submit"
      {...rest}
      formAction={formAction}
      className={["button", className].filter(Boolean).join(" ")}
      disabled={pending || rest.disabled}
      aria-busy={pending}
    >
      {pending ? (
        <>
          <span className="spinner" aria-hidden="true" />
          {pendingLabel ?? children}
        </>
      ) : (
        children
      )}
    </button>
  );
}
