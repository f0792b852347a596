import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { DateValue } from "../app/i18n/email-values";
import { planName } from "../app/i18n/plans";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";

export interface SubscriptionCancelledEmailProps {
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  planName: string;
  endedOn: DateValue;
  /** true when it ended because payments failed, not because the member cancelled */
  unpaid: boolean;
  paymentUrl: string;
}

export function subscriptionCancelledSubject(
  t: TFunction,
  props: Pick<SubscriptionCancelledEmailProps, "plan" | "planName">,
): string {
  return t("emails:subscriptionCancelled.subject", {
    plan: planName(t, props.plan, props.planName),
  });
}

export default function SubscriptionCancelledEmail(props: SubscriptionCancelledEmailProps) {
  const { t, date, plan } = useEmailText();
  const values = { plan: plan(props), date: date(props.endedOn) };
  return (
    <EmailLayout
      preview={t("emails:subscriptionCancelled.preview", values)}
      heading={t("emails:subscriptionCancelled.heading")}
      footer={t("emails:footer.plain")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {props.unpaid
          ? t("emails:subscriptionCancelled.bodyUnpaid", values)
          : t("emails:subscriptionCancelled.bodyCancelled", values)}{" "}
        {t("emails:subscriptionCancelled.welcomeBack")}
      </Text>
      <Button href={props.paymentUrl} style={button}>
        {t("emails:subscriptionCancelled.plans")}
      </Button>
    </EmailLayout>
  );
}

SubscriptionCancelledEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_monthly",
  planName: "Talent membership, monthly",
  endedOn: "2027-06-21T10:00:00.000Z",
  unpaid: false,
  paymentUrl: "http://localhost:3000/dashboard/talent/payment",
} satisfies SubscriptionCancelledEmailProps;
