import { Button, Link, Section, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { DateValue, MoneyValue } from "../app/i18n/email-values";
import { planName } from "../app/i18n/plans";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";

export interface PaymentConfirmationEmailProps {
  name: string;
  /** the plan's id (payments.plan): its name is written in the recipient's language */
  plan?: string;
  /** the plan's name in English, for rows queued before plan ids */
  planName: string;
  amount: MoneyValue;
  /** when it was paid (ISO instant) */
  paidOn: DateValue;
  /** Checkout Session or PaymentIntent id, quoted when the member writes to support */
  reference: string;
  accessEndsOn: DateValue;
  dashboardUrl: string;
  /** the invoice Stripe made for the payment: its number, hosted page and PDF */
  invoiceNumber?: string | null;
  invoiceUrl?: string | null;
  invoicePdfUrl?: string | null;
}

export function paymentConfirmationSubject(
  t: TFunction,
  props: Pick<PaymentConfirmationEmailProps, "plan" | "planName">,
): string {
  return t("emails:paymentConfirmation.subject", { plan: planName(t, props.plan, props.planName) });
}

export default function PaymentConfirmationEmail(props: PaymentConfirmationEmailProps) {
  const { t, money, date, plan } = useEmailText();
  const name = plan(props);
  const until = date(props.accessEndsOn);
  return (
    <EmailLayout
      preview={t("emails:paymentConfirmation.preview", { plan: name, date: until })}
      heading={t("emails:paymentConfirmation.heading")}
      footer={t("emails:footer.receipt")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>{t("emails:paymentConfirmation.body", { plan: name, date: until })}</Text>
      <Section style={details}>
        <Text style={row}>{t("emails:paymentConfirmation.plan", { value: name })}</Text>
        <Text style={row}>
          {t("emails:paymentConfirmation.amount", { value: money(props.amount) })}
        </Text>
        <Text style={row}>
          {t("emails:paymentConfirmation.date", { value: date(props.paidOn) })}
        </Text>
        {props.invoiceNumber ? (
          <Text style={row}>
            {t("emails:paymentConfirmation.invoiceNumber", { value: props.invoiceNumber })}
          </Text>
        ) : null}
        <Text style={row}>
          {t("emails:paymentConfirmation.reference", { value: props.reference })}
        </Text>
        <Text style={row}>{t("emails:paymentConfirmation.until", { value: until })}</Text>
      </Section>
      {props.invoiceUrl ? (
        <Text style={text}>
          <Link href={props.invoiceUrl}>{t("emails:paymentConfirmation.invoice")}</Link>
          {props.invoicePdfUrl ? (
            <>
              {" \u00b7 "}
              <Link href={props.invoicePdfUrl}>{t("emails:paymentConfirmation.invoicePdf")}</Link>
            </>
          ) : null}
        </Text>
      ) : null}
      <Button href={props.dashboardUrl} style={button}>
        {t("emails:paymentConfirmation.dashboard")}
      </Button>
    </EmailLayout>
  );
}

PaymentConfirmationEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_annual_membership",
  planName: "Talent annual membership",
  amount: { amount: 30000, currency: "MAD" },
  paidOn: "2026-11-21T10:00:00.000Z",
  reference: "cs_test_123",
  accessEndsOn: "2027-11-21T10:00:00.000Z",
  dashboardUrl: "http://localhost:3000/dashboard/talent",
  invoiceNumber: "ABCD1234-0001",
  invoiceUrl: "https://invoice.stripe.com/i/acct_123/test_123",
  invoicePdfUrl: "https://pay.stripe.com/invoice/acct_123/test_123/pdf",
} satisfies PaymentConfirmationEmailProps;

const details = {
  backgroundColor: "#f6f8fb",
  padding: "8px 16px",
  borderRadius: "8px",
  margin: "16px 0",
};
const row = { fontSize: "14px", color: "#1a1f36", margin: "4px 0" };
