import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";

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
    <Html lang="en">
      <Head />
      <Preview>{`Thank you: your ${props.planName} is active until ${props.accessEndsOn}.`}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Heading style={heading}>Thank you for your payment</Heading>
          <Text style={text}>Hello {props.name},</Text>
          <Text style={text}>
            We received your payment for the {props.planName}. Your access is active until {props.accessEndsOn}.
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
          <Hr style={hr} />
          <Text style={footer}>Talents Acting. Keep this email as your receipt.</Text>
        </Container>
      </Body>
    </Html>
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

const body = { backgroundColor: "#f6f8fb", fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" };
const container = { backgroundColor: "#ffffff", margin: "24px auto", padding: "24px", maxWidth: "560px", borderRadius: "10px" };
const heading = { fontSize: "22px", color: "#1a1f36" };
const text = { fontSize: "15px", color: "#1a1f36", lineHeight: "1.5" };
const details = { backgroundColor: "#f6f8fb", padding: "8px 16px", borderRadius: "8px", margin: "16px 0" };
const row = { fontSize: "14px", color: "#1a1f36", margin: "4px 0" };
const button = { backgroundColor: "#4f46e5", color: "#ffffff", padding: "10px 18px", borderRadius: "8px", fontWeight: 600 };
const hr = { borderColor: "#e3e8ee", margin: "24px 0 12px" };
const footer = { fontSize: "12px", color: "#5b6478" };
