import { Link } from "@remix-run/react";
import { useStaffText } from "../../staff/text";

/**
 * The footer of a keyset-paginated staff list: "First page" once the reader has left it, "Next
 * page" while there are more rows. Paths come from the loader (they carry the list's filters).
 */
export function KeysetPager({
  firstPath = null,
  nextPath,
}: {
  firstPath?: string | null;
  nextPath: string | null;
}) {
  const tr = useStaffText();
  if (!firstPath && !nextPath) return null;
  return (
    <p className="staff-pager">
      {firstPath ? <Link to={firstPath}>{tr("staff:common.first")}</Link> : null}
      {firstPath && nextPath ? " | " : null}
      {nextPath ? <Link to={nextPath}>{tr("staff:common.next")}</Link> : null}
    </p>
  );
}
