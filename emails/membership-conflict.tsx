import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { MoneyValue } from "../app/i18n/email-values";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";

export interface MembershipConflictEmailProps {
  name: string;
  /** the plan id of the membership that stands */
  keptPlan?: string;
  /** its name in English: "Talent membership, monthly" (older rows' words) */
  kept: string;
  /** the plan id of the second one, which was ended */
  endedPlan?: string;
  /** its name in English: "Talent annual membership" */
  ended: string;
  /** what was refunded; null when nothing had been charged */
  refunded: MoneyValue | null;
  dashboardUrl: string;
}

export function membershipConflictSubject(t: TFunction): string {
  return t("emails:membershipConflict.subject");
}

export default function MembershipConflictEmail(props: MembershipConflictEmailProps) {
  const { t, money, plan } = useEmailText();
  const kept = plan({ plan: props.keptPlan, planName: props.kept });
  const ended = plan({ plan: props.endedPlan, planName: props.ended });
  return (
    <EmailLayout
      preview={t("emails:membershipConflict.preview", { kept, ended })}
      heading={t("emails:membershipConflict.heading")}
      footer={t("emails:footer.plain")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {props.refunded
          ? t("emails:membershipConflict.bodyRefunded", {
              kept,
              ended,
              amount: money(props.refunded),
            })
          : t("emails:membershipConflict.bodyNothingCharged", { kept, ended })}
      </Text>
      <Text style={text}>{t("emails:membershipConflict.continues", { kept })}</Text>
      <Button href={props.dashboardUrl} style={button}>
        {t("emails:membershipConflict.dashboard")}
      </Button>
    </EmailLayout>
  );
}

MembershipConflictEmail.PreviewProps = {
  name: "Amina",
  keptPlan: "talent_monthly",
  kept: "Talent membership, monthly",
  endedPlan: "talent_annual_membership",
  ended: "Talent annual membership",
  refunded: { amount: 30000, currency: "MAD" },
  dashboardUrl: "http://localhost:3000/dashboard/talent",
} satisfies MembershipConflictEmailProps;
