import { Button, Section, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { DateValue, MoneyValue } from "../app/i18n/email-values";
import { planName } from "../app/i18n/plans";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";
import { ManageLink } from "./components/manage-link";

export interface RenewalReceiptEmailProps {
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  planName: string;
  amount: MoneyValue;
  paidOn: DateValue;
  invoiceNumber: string;
  periodEndsOn: DateValue;
  /** Stripe's hosted invoice page */
  invoiceUrl: string;
  /** the next charge's date, from the member view; null when the plan will not renew */
  nextChargeOn?: DateValue | null;
  /** the app's /billing/portal link: manage or cancel the plan (absent in emails queued before it) */
  manageUrl?: string;
}

export function renewalReceiptSubject(
  t: TFunction,
  props: Pick<RenewalReceiptEmailProps, "plan" | "planName">,
): string {
  return t("emails:renewalReceipt.subject", { plan: planName(t, props.plan, props.planName) });
}

export default function RenewalReceiptEmail(props: RenewalReceiptEmailProps) {
  const { t, money, date, plan } = useEmailText();
  const amount = money(props.amount);
  const until = date(props.periodEndsOn);
  const next = props.nextChargeOn ? date(props.nextChargeOn) : null;
  return (
    <EmailLayout
      preview={
        next
          ? t("emails:renewalReceipt.previewNext", { amount, date: next })
          : t("emails:renewalReceipt.preview", { amount, date: until })
      }
      heading={t("emails:renewalReceipt.heading")}
      footer={t("emails:footer.receipt")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {t("emails:renewalReceipt.charged", { plan: plan(props), amount })}{" "}
        {next
          ? t("emails:renewalReceipt.nextCharge", { date: next })
          : props.nextChargeOn === null
            ? t("emails:renewalReceipt.noRenewal", { date: until })
            : t("emails:renewalReceipt.accessUntil", { date: until })}
      </Text>
      <Section style={details}>
        <Text style={row}>
          {t("emails:renewalReceipt.invoice", { value: props.invoiceNumber })}
        </Text>
        <Text style={row}>{t("emails:renewalReceipt.amount", { value: amount })}</Text>
        <Text style={row}>{t("emails:renewalReceipt.date", { value: date(props.paidOn) })}</Text>
        {next ? (
          <Text style={row}>{t("emails:renewalReceipt.nextChargeRow", { value: next })}</Text>
        ) : null}
      </Section>
      <Button href={props.invoiceUrl} style={button}>
        {t("emails:renewalReceipt.view")}
      </Button>
      <ManageLink href={props.manageUrl} />
    </EmailLayout>
  );
}

RenewalReceiptEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_monthly",
  planName: "Talent membership, monthly",
  amount: { amount: 3000, currency: "MAD" },
  paidOn: "2027-05-21T10:00:00.000Z",
  invoiceNumber: "ABCD1234-0002",
  periodEndsOn: "2027-06-21T10:00:00.000Z",
  invoiceUrl: "https://invoice.stripe.com/i/acct_123/test_123",
  nextChargeOn: "2027-06-21T10:00:00.000Z",
  manageUrl: "http://localhost:3000/billing/portal",
} satisfies RenewalReceiptEmailProps;

const details = {
  backgroundColor: "#f6f8fb",
  padding: "8px 16px",
  borderRadius: "8px",
  margin: "16px 0",
};
const row = { fontSize: "14px", color: "#1a1f36", margin: "4px 0" };
