import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { StatusButton } from "../ui/status-button";
import { useStaffText } from "../../staff/text";

/**
 * Every staff action's form: a POST carrying its intent, the page's nonce (the key that makes
 * a second submit of the same form do nothing more, decision 0023) and its hidden fields; the
 * staff member's password when a money action will ask for it; then the action's own fields
 * (`children`) and its button. The CSRF check is the server's same-origin rule on every POST.
 */
export function StaffActionForm({
  intent,
  nonce,
  hidden = {},
  passwordNeeded = false,
  label,
  buttonLabel,
  children,
}: {
  intent: string;
  nonce: string;
  hidden?: Record<string, string | number>;
  /** true on a money action whose password proof is older than 15 minutes */
  passwordNeeded?: boolean;
  label: string;
  /** the button's accessible name, when the label alone would repeat on every row */
  buttonLabel?: string;
  children?: ReactNode;
}) {
  const tr = useStaffText();
  return (
    <Form method="post" className="staff-action">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="nonce" value={nonce} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      {passwordNeeded ? (
        <div className="field">
          <label htmlFor={`${intent}-password`}>{tr("staff:common.password")}</label>
          <input
            id={`${intent}-password`}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={200}
          />
        </div>
      ) : null}
      <StatusButton aria-label={buttonLabel}>{label}</StatusButton>
    </Form>
  );
}

/** The reason a staff action asks for, written to the audit log. */
export function ReasonField({ id }: { id: string }) {
  const tr = useStaffText();
  return (
    <div className="field">
      <label htmlFor={id}>{tr("staff:common.reason")}</label>
      <input id={id} name="reason" required minLength={3} maxLength={500} />
    </div>
  );
}
