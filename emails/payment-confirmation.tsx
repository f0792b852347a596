import { Button, Section, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export interface PaymentConfirmationEmailProps {
  name: string;
  planName: string;
  /** "300 MAD" */
  amount: string;
  /** the payment date as people read it */
  paidOn: string;
  /** Checkout Session or PaymentIntent id, quoted when the member writes to support */
  reference: string;
  accessEndsOn: string;
  dashboardUrl: string;
}

export function paymentConfirmationSubject(planName: string): string {
  return `Payment received: ${planName}`;
}

export default function PaymentConfirmationEmail(props: PaymentConfirmationEmailProps) {
  return (
    <EmailLayout
      preview={`Thank you: your ${props.planName} is active until ${props.accessEndsOn}.`}
      heading="Thank you for your payment"
      footer="Talents Acting. Keep this email as your receipt."
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        We received your payment for the {props.planName}. Your access is active until{" "}
        {props.accessEndsOn}.
      </Text>
      <Section style={details}>
        <Text style={row}>Plan: {props.planName}</Text>
        <Text style={row}>Amount: {props.amount}</Text>
        <Text style={row}>Date: {props.paidOn}</Text>
        <Text style={row}>Payment reference: {props.reference}</Text>
        <Text style={row}>Access until: {props.accessEndsOn}</Text>
      </Section>
      <Button href={props.dashboardUrl} style={button}>
        Open your dashboard
      </Button>
    </EmailLayout>
  );
}

PaymentConfirmationEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent annual membership",
  amount: "300 MAD",
  paidOn: "21 November 2026",
  reference: "cs_test_123",
  accessEndsOn: "21 November 2027",
  dashboardUrl: "http://localhost:3000/dashboard/talent",
} satisfies PaymentConfirmationEmailProps;

const details = {
  backgroundColor: "#f6f8fb",
  padding: "8px 16px",
  borderRadius: "8px",
  margin: "16px 0",
};
const row = { fontSize: "14px", color: "#1a1f36", margin: "4px 0" };
