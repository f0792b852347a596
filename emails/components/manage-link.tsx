import { Link, Text } from "@react-email/components";
import { useTranslation } from "react-i18next";

/** The line every subscription email ends with: where to manage or cancel the plan. */
export function ManageLink({ href }: { href: string | undefined }) {
  const { t } = useTranslation("emails");
  if (!href) return null;
  return (
    <Text style={{ fontSize: "13px", color: "#5b6478", lineHeight: "1.5" }}>
      {t("emails:manage")} <Link href={href}>{href}</Link>
    </Text>
  );
}
