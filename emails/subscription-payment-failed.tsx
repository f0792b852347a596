import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";
import { ManageLink } from "./components/manage-link";

export interface SubscriptionPaymentFailedEmailProps {
  name: string;
  planName: string;
  amount: string;
  invoiceNumber: string;
  /** the app's URL that signs the member in if needed and opens the customer portal */
  updateCardUrl: string;
  /** Stripe's next attempt, from the member view */
  retryOn?: string | null;
  /** when access stops if no payment goes through, from the member view */
  accessStopsOn?: string | null;
  /** the app's /billing/portal link: manage or cancel the plan (absent in emails queued before it) */
  manageUrl?: string;
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
        ).{" "}
        {props.retryOn
          ? `We will try again on ${props.retryOn}.`
          : "We will try again over the next days."}{" "}
        {props.accessStopsOn
          ? `Your access continues until ${props.accessStopsOn}; if no payment goes through by then, it stops.`
          : "Your access continues while we retry."}{" "}
        Update your card so the next attempt succeeds, or pay the invoice now from your billing
        page.
      </Text>
      <Button href={props.updateCardUrl} style={button}>
        Update your card
      </Button>
      <ManageLink href={props.manageUrl} />
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
