import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export interface PaymentActionRequiredEmailProps {
  name: string;
  planName: string;
  amount: string;
  invoiceNumber: string;
  /** Stripe's hosted invoice page, where the member confirms the payment with their bank */
  invoiceUrl: string;
}

export function paymentActionRequiredSubject(planName: string): string {
  return `Action needed: confirm the payment for your ${planName}`;
}

export default function PaymentActionRequiredEmail(props: PaymentActionRequiredEmailProps) {
  return (
    <EmailLayout
      preview={`Your bank asks you to confirm the payment of ${props.amount}.`}
      heading="Confirm your payment"
      footer="Talents Acting"
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        Your bank asks you to confirm the payment of {props.amount} for your {props.planName}{" "}
        (invoice {props.invoiceNumber}). Open the invoice and confirm the payment; your access
        continues meanwhile.
      </Text>
      <Button href={props.invoiceUrl} style={button}>
        Confirm the payment
      </Button>
    </EmailLayout>
  );
}

PaymentActionRequiredEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent membership, yearly",
  amount: "300 MAD",
  invoiceNumber: "ABCD1234-0002",
  invoiceUrl: "http://127.0.0.1:12111/i/in_123",
} satisfies PaymentActionRequiredEmailProps;
