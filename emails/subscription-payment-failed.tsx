import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export interface SubscriptionPaymentFailedEmailProps {
  name: string;
  planName: string;
  amount: string;
  invoiceNumber: string;
  /** the app's URL that signs the member in if needed and opens the customer portal */
  updateCardUrl: string;
}

export function subscriptionPaymentFailedSubject(planName: string): string {
  return `Action needed: the payment for your ${planName} failed`;
}

export default function SubscriptionPaymentFailedEmail(props: SubscriptionPaymentFailedEmailProps) {
  return (
    <EmailLayout
      preview={`We could not charge ${props.amount}; please update your card.`}
      heading="Your payment failed"
      footer="Talents Acting"
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        We could not charge {props.amount} for your {props.planName} (invoice {props.invoiceNumber}
        ). Your access continues while we retry over the next days; update your card so the next
        attempt succeeds.
      </Text>
      <Button href={props.updateCardUrl} style={button}>
        Update your card
      </Button>
    </EmailLayout>
  );
}

SubscriptionPaymentFailedEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent membership, monthly",
  amount: "30 MAD",
  invoiceNumber: "ABCD1234-0002",
  updateCardUrl: "http://localhost:3000/billing/portal",
} satisfies SubscriptionPaymentFailedEmailProps;
