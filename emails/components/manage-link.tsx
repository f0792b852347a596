import { Link, Text } from "@react-email/components";

/** The line every subscription email ends with: where to manage or cancel the plan. */
export function ManageLink({ href }: { href: string | undefined }) {
  if (!href) return null;
  return (
    <Text style={{ fontSize: "13px", color: "#5b6478", lineHeight: "1.5" }}>
      Manage or cancel your plan at any time: <Link href={href}>{href}</Link>
    </Text>
  );
}
