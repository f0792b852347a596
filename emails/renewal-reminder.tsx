import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { DateValue } from "../app/i18n/email-values";
import { planName } from "../app/i18n/plans";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";

export type RenewalReminderKind = "30-days" | "7-days" | "ended";

export interface RenewalReminderEmailProps {
  kind: RenewalReminderKind;
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  planName: string;
  accessEndsOn: DateValue;
  /** the member's own payment page */
  paymentUrl: string;
}

export function renewalReminderSubject(
  t: TFunction,
  props: Pick<RenewalReminderEmailProps, "kind" | "plan" | "planName">,
): string {
  const plan = planName(t, props.plan, props.planName);
  if (props.kind === "ended") return t("emails:renewalReminder.subjectEnded", { plan });
  return t("emails:renewalReminder.subjectEnds", {
    plan,
    count: props.kind === "30-days" ? 30 : 7,
  });
}

export default function RenewalReminderEmail(props: RenewalReminderEmailProps) {
  const { t, date, plan } = useEmailText();
  const ended = props.kind === "ended";
  const values = { plan: plan(props), date: date(props.accessEndsOn) };
  return (
    <EmailLayout
      preview={
        ended
          ? t("emails:renewalReminder.previewEnded", values)
          : t("emails:renewalReminder.previewEnds", values)
      }
      heading={
        ended ? t("emails:renewalReminder.headingEnded") : t("emails:renewalReminder.headingEnds")
      }
      footer={t("emails:footer.reminders")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {ended
          ? t("emails:renewalReminder.bodyEnded", values)
          : t("emails:renewalReminder.bodyEnds", values)}
      </Text>
      <Button href={props.paymentUrl} style={button}>
        {t("emails:renewalReminder.renew")}
      </Button>
    </EmailLayout>
  );
}

RenewalReminderEmail.PreviewProps = {
  kind: "30-days",
  name: "Amina",
  plan: "talent_annual_membership",
  planName: "Talent annual membership",
  accessEndsOn: "2027-11-21T10:00:00.000Z",
  paymentUrl: "http://localhost:3000/dashboard/talent/payment",
} satisfies RenewalReminderEmailProps;
