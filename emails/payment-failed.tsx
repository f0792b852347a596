import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Text } from "@react-email/components";

export interface PaymentFailedEmailProps {
  name: string;
  planName: string;
  amount: string;
  reference: string;
  paymentUrl: string;
}

export function paymentFailedSubject(planName: string): string {
  return `Your payment did not go through: ${planName}`;
}

export default function PaymentFailedEmail(props: PaymentFailedEmailProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{`Your payment of ${props.amount} did not go through; nothing was charged.`}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Heading style={heading}>Your payment did not go through</Heading>
          <Text style={text}>Hello {props.name},</Text>
          <Text style={text}>
            Your payment of {props.amount} for the {props.planName} could not be completed, so your access has not
            changed. You can try again with another payment method.
          </Text>
          <Text style={small}>Payment reference: {props.reference}</Text>
          <Button href={props.paymentUrl} style={button}>
            Try again
          </Button>
          <Hr style={hr} />
          <Text style={footer}>Talents Acting</Text>
        </Container>
      </Body>
    </Html>
  );
}

PaymentFailedEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent annual membership",
  amount: "300 MAD",
  reference: "cs_test_123",
  paymentUrl: "http://localhost:3000/dashboard/talent/payment",
} satisfies PaymentFailedEmailProps;

const body = { backgroundColor: "#f6f8fb", fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" };
const container = { backgroundColor: "#ffffff", margin: "24px auto", padding: "24px", maxWidth: "560px", borderRadius: "10px" };
const heading = { fontSize: "22px", color: "#1a1f36" };
const text = { fontSize: "15px", color: "#1a1f36", lineHeight: "1.5" };
const small = { fontSize: "13px", color: "#5b6478" };
const button = { backgroundColor: "#4f46e5", color: "#ffffff", padding: "10px 18px", borderRadius: "8px", fontWeight: 600 };
const hr = { borderColor: "#e3e8ee", margin: "24px 0 12px" };
const footer = { fontSize: "12px", color: "#5b6478" };
