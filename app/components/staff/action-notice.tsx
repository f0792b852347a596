import { useTranslation } from "react-i18next";
import { translateMessage, type Message } from "../../i18n/messages";

/** What a staff action answered, in the page's language: a status when done, an alert if not. */
export function ActionNotice({
  result,
}: {
  result: { ok: boolean; message: Message | null } | undefined;
}) {
  const { t } = useTranslation("staff");
  if (!result?.message) return null;
  return (
    <p className={`notice ${result.ok ? "good" : "bad"}`} role={result.ok ? "status" : "alert"}>
      {translateMessage(t, result.message)}
    </p>
  );
}
