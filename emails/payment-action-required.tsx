import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { MoneyValue } from "../app/i18n/email-values";
import { planName } from "../app/i18n/plans";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";

export interface PaymentActionRequiredEmailProps {
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  planName: string;
  amount: MoneyValue;
  invoiceNumber: string;
  /** Stripe's hosted invoice page, where the member confirms the payment with their bank */
  invoiceUrl: string;
}

export function paymentActionRequiredSubject(
  t: TFunction,
  props: Pick<PaymentActionRequiredEmailProps, "plan" | "planName">,
): string {
  return t("emails:paymentActionRequired.subject", {
    plan: planName(t, props.plan, props.planName),
  });
}

export default function PaymentActionRequiredEmail(props: PaymentActionRequiredEmailProps) {
  const { t, money, plan } = useEmailText();
  const amount = money(props.amount);
  return (
    <EmailLayout
      preview={t("emails:paymentActionRequired.preview", { amount })}
      heading={t("emails:paymentActionRequired.heading")}
      footer={t("emails:footer.plain")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {t("emails:paymentActionRequired.body", {
          amount,
          plan: plan(props),
          invoice: props.invoiceNumber,
        })}
      </Text>
      <Button href={props.invoiceUrl} style={button}>
        {t("emails:paymentActionRequired.confirm")}
      </Button>
    </EmailLayout>
  );
}

PaymentActionRequiredEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_yearly",
  planName: "Talent membership, yearly",
  amount: { amount: 30000, currency: "MAD" },
  invoiceNumber: "ABCD1234-0002",
  invoiceUrl: "http://127.0.0.1:12111/i/in_123",
} satisfies PaymentActionRequiredEmailProps;
