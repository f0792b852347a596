import { Button, Section, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export interface RenewalReceiptEmailProps {
  name: string;
  planName: string;
  amount: string;
  paidOn: string;
  invoiceNumber: string;
  periodEndsOn: string;
  /** Stripe's hosted invoice page */
  invoiceUrl: string;
}

export function renewalReceiptSubject(planName: string): string {
  return `Receipt: your ${planName} renewed`;
}

export default function RenewalReceiptEmail(props: RenewalReceiptEmailProps) {
  return (
    <EmailLayout
      preview={`We charged ${props.amount}; your access runs until ${props.periodEndsOn}.`}
      heading="Your membership renewed"
      footer="Talents Acting. Keep this email as your receipt."
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        Your {props.planName} renewed and we charged {props.amount}. Your access runs until{" "}
        {props.periodEndsOn}.
      </Text>
      <Section style={details}>
        <Text style={row}>Invoice: {props.invoiceNumber}</Text>
        <Text style={row}>Amount: {props.amount}</Text>
        <Text style={row}>Date: {props.paidOn}</Text>
      </Section>
      <Button href={props.invoiceUrl} style={button}>
        View invoice
      </Button>
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
} satisfies RenewalReceiptEmailProps;

const details = {
  backgroundColor: "#f6f8fb",
  padding: "8px 16px",
  borderRadius: "8px",
  margin: "16px 0",
};
const row = { fontSize: "14px", color: "#1a1f36", margin: "4px 0" };
