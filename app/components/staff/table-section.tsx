import type { ReactNode } from "react";
import { useStaffText } from "../../staff/text";

/**
 * A staff table: its header row and one row per item, or the "none" line when there is no
 * item. `empty` replaces that line where a list has its own words for it.
 */
export function StaffTable<T>({
  headers,
  rows,
  row,
  empty,
  className,
}: {
  headers: ReactNode[];
  rows: readonly T[];
  row: (item: T) => ReactNode;
  empty?: string;
  className?: string;
}) {
  const tr = useStaffText();
  if (rows.length === 0) return <p className="muted">{empty ?? tr("staff:common.none")}</p>;
  return (
    <table className={className}>
      <thead>
        <tr>
          {headers.map((header, i) => (
            <th scope="col" key={i}>
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{rows.map(row)}</tbody>
    </table>
  );
}

/** A card with its heading (the region's name) and whatever it holds. */
export function StaffSection({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={`${id}-heading`} id={id}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

/** A card holding one staff table (or its "none" line), then what follows it (a pager). */
export function TableSection<T>({
  id,
  title,
  children,
  ...table
}: {
  id: string;
  title: string;
  headers: ReactNode[];
  rows: readonly T[];
  row: (item: T) => ReactNode;
  empty?: string;
  children?: ReactNode;
}) {
  return (
    <StaffSection id={id} title={title}>
      <StaffTable {...table} />
      {children}
    </StaffSection>
  );
}
