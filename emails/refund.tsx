import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { MoneyValue } from "../app/i18n/email-values";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";

export interface RefundEmailProps {
  name: string;
  /** the refunded paid year's plan id: its name is written in the recipient's language */
  plan?: string;
  /** the refunded invoice's number, for a subscription's payment */
  invoiceNumber?: string;
  /** what was paid, in English (the plan's name, or "invoice ABCD-0002"): older rows' words */
  paidFor: string;
  amount: MoneyValue;
  /** the refund covers the whole payment */
  full: boolean;
  /** the refund ended the member's access (a full refund of the paid year) */
  accessEnded: boolean;
  reference: string;
  dashboardUrl: string;
}

export function refundSubject(t: TFunction): string {
  return t("emails:refund.subject");
}

export default function RefundEmail(props: RefundEmailProps) {
  const { t, money, plan } = useEmailText();
  const amount = money(props.amount);
  const paidFor = props.invoiceNumber
    ? t("emails:refund.invoice", { number: props.invoiceNumber })
    : plan({ plan: props.plan, planName: props.paidFor });
  return (
    <EmailLayout
      preview={t("emails:refund.preview", { amount, paidFor })}
      heading={t("emails:refund.heading")}
      footer={t("emails:refund.footer")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {props.full
          ? t("emails:refund.bodyFull", { amount, paidFor, reference: props.reference })
          : t("emails:refund.bodyPart", { amount, paidFor, reference: props.reference })}
      </Text>
      <Text style={text}>
        {props.accessEnded ? t("emails:refund.accessEnded") : t("emails:refund.accessKept")}
      </Text>
      <Button href={props.dashboardUrl} style={button}>
        {t("emails:refund.dashboard")}
      </Button>
    </EmailLayout>
  );
}

RefundEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_annual_membership",
  paidFor: "Talent annual membership",
  amount: { amount: 30000, currency: "MAD" },
  full: true,
  accessEnded: true,
  reference: "re_123",
  dashboardUrl: "http://localhost:3000/dashboard/talent",
} satisfies RefundEmailProps;
