import { Button, Section, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";
import { ManageLink } from "./components/manage-link";

export interface RenewalReceiptEmailProps {
  name: string;
  planName: string;
  amount: string;
  paidOn: string;
  invoiceNumber: string;
  periodEndsOn: string;
  /** Stripe's hosted invoice page */
  invoiceUrl: string;
  /** the next charge's date, from the member view; null when the plan will not renew */
  nextChargeOn?: string | null;
  /** the app's /billing/portal link: manage or cancel the plan (absent in emails queued before it) */
  manageUrl?: string;
}

export function renewalReceiptSubject(planName: string): string {
  return `Receipt: your ${planName} renewed`;
}

export default function RenewalReceiptEmail(props: RenewalReceiptEmailProps) {
  return (
    <EmailLayout
      preview={
        props.nextChargeOn
          ? `We charged ${props.amount}; the next charge is on ${props.nextChargeOn}.`
          : `We charged ${props.amount}; your access runs until ${props.periodEndsOn}.`
      }
      heading="Your membership renewed"
      footer="Talents Acting. Keep this email as your receipt."
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        Your {props.planName} renewed and we charged {props.amount}.{" "}
        {props.nextChargeOn
          ? `The next charge is on ${props.nextChargeOn}.`
          : props.nextChargeOn === null
            ? `It will not renew again: your access runs until ${props.periodEndsOn}.`
            : `Your access runs until ${props.periodEndsOn}.`}
      </Text>
      <Section style={details}>
        <Text style={row}>Invoice: {props.invoiceNumber}</Text>
        <Text style={row}>Amount: {props.amount}</Text>
        <Text style={row}>Date: {props.paidOn}</Text>
        {props.nextChargeOn ? <Text style={row}>Next charge: {props.nextChargeOn}</Text> : null}
      </Section>
      <Button href={props.invoiceUrl} style={button}>
        View invoice
      </Button>
      <ManageLink href={props.manageUrl} />
    </EmailLayout>
  );
}

RenewalReceiptEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent membership, monthly",
  amount: "30 MAD",
  paidOn: "21 May 2027",
  invoiceNumber: "ABCD1234-0002",
  periodEndsOn: "21 June 2027",
  invoiceUrl: "https://invoice.stripe.com/i/acct_123/test_123",
  nextChargeOn: "21 June 2027",
  manageUrl: "http://localhost:3000/billing/portal",
} satisfies RenewalReceiptEmailProps;

const details = {
  backgroundColor: "#f6f8fb",
  padding: "8px 16px",
  borderRadius: "8px",
  margin: "16px 0",
};
const row = { fontSize: "14px", color: "#1a1f36", margin: "4px 0" };
