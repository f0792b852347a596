import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { MoneyValue } from "../app/i18n/email-values";
import { planName } from "../app/i18n/plans";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";

export interface PaymentFailedEmailProps {
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  /** the plan's name in English, for rows queued before plan ids */
  planName: string;
  amount: MoneyValue;
  reference: string;
  paymentUrl: string;
}

export function paymentFailedSubject(
  t: TFunction,
  props: Pick<PaymentFailedEmailProps, "plan" | "planName">,
): string {
  return t("emails:paymentFailed.subject", { plan: planName(t, props.plan, props.planName) });
}

export default function PaymentFailedEmail(props: PaymentFailedEmailProps) {
  const { t, money, plan } = useEmailText();
  const amount = money(props.amount);
  return (
    <EmailLayout
      preview={t("emails:paymentFailed.preview", { amount })}
      heading={t("emails:paymentFailed.heading")}
      footer={t("emails:footer.plain")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>{t("emails:paymentFailed.body", { amount, plan: plan(props) })}</Text>
      <Text style={small}>{t("emails:paymentFailed.reference", { value: props.reference })}</Text>
      <Button href={props.paymentUrl} style={button}>
        {t("emails:paymentFailed.retry")}
      </Button>
    </EmailLayout>
  );
}

PaymentFailedEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_annual_membership",
  planName: "Talent annual membership",
  amount: { amount: 30000, currency: "MAD" },
  reference: "cs_test_123",
  paymentUrl: "http://localhost:3000/dashboard/talent/payment",
} satisfies PaymentFailedEmailProps;

const small = { fontSize: "13px", color: "#5b6478" };
