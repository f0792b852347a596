import { Link } from "@remix-run/react";
import { useStaffText } from "../../staff/text";
import { StaffTable } from "./table-section";

export interface AuditRow {
  id: number;
  at: string;
  who: string;
  action: string;
  member?: number | null;
  target: string | null;
  reason: string | null;
  outcome: string;
  error: string | null;
  before: string | null;
  after: string | null;
}

/**
 * Staff actions, newest first: who, when, what, on what, why and how it went. The audit page
 * adds the member and the before/after of each change (`full`); a member's page shows the
 * entries about that member without them.
 */
export function AuditTable({ entries, full = false }: { entries: AuditRow[]; full?: boolean }) {
  const tr = useStaffText();
  return (
    <StaffTable
      className={full ? "staff-audit" : undefined}
      empty={full ? tr("staff:audit.empty") : undefined}
      headers={[
        tr("staff:audit.when"),
        tr("staff:audit.who"),
        tr("staff:audit.action"),
        ...(full ? [tr("staff:audit.member")] : []),
        tr("staff:audit.target"),
        tr("staff:common.reason"),
        tr("staff:audit.outcome"),
        ...(full ? [tr("staff:audit.before"), tr("staff:audit.after")] : []),
      ]}
      rows={entries}
      row={(a) => (
        <tr key={a.id}>
          <td>{a.at}</td>
          <td>{a.who}</td>
          <td>
            <code>{a.action}</code>
          </td>
          {full ? (
            <td>{a.member ? <Link to={`/staff/members/${a.member}`}>#{a.member}</Link> : "-"}</td>
          ) : null}
          <td>{a.target ?? "-"}</td>
          <td>{a.reason ?? "-"}</td>
          <td>
            {tr(a.outcome === "done" ? "staff:audit.done" : "staff:audit.failed")}
            {a.error ? `: ${a.error}` : ""}
          </td>
          {full ? (
            <>
              <td>
                <code>{a.before ?? "-"}</code>
              </td>
              <td>
                <code>{a.after ?? "-"}</code>
              </td>
            </>
          ) : null}
        </tr>
      )}
    />
  );
}
