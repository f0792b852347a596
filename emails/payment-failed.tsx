import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

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
    <EmailLayout
      preview={`Your payment of ${props.amount} did not go through; nothing was charged.`}
      heading="Your payment did not go through"
      footer="Talents Acting"
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        Your payment of {props.amount} for the {props.planName} could not be completed, so your
        access has not changed. You can try again with another payment method.
      </Text>
      <Text style={small}>Payment reference: {props.reference}</Text>
      <Button href={props.paymentUrl} style={button}>
        Try again
      </Button>
    </EmailLayout>
  );
}

PaymentFailedEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent annual membership",
  amount: "300 MAD",
  reference: "cs_test_123",
  paymentUrl: "http://localhost:3000/dashboard/talent/payment",
} satisfies PaymentFailedEmailProps;

const small = { fontSize: "13px", color: "#5b6478" };
