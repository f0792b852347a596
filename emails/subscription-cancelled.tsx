import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export interface SubscriptionCancelledEmailProps {
  name: string;
  planName: string;
  endedOn: string;
  /** true when it ended because payments failed, not because the member cancelled */
  unpaid: boolean;
  paymentUrl: string;
}

export function subscriptionCancelledSubject(planName: string): string {
  return `Your ${planName} has ended`;
}

export default function SubscriptionCancelledEmail(props: SubscriptionCancelledEmailProps) {
  return (
    <EmailLayout
      preview={`Your ${props.planName} ended on ${props.endedOn}.`}
      heading="Your subscription has ended"
      footer="Talents Acting"
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        {props.unpaid
          ? `Your ${props.planName} ended on ${props.endedOn} because its payment could not be collected.`
          : `Your ${props.planName} was cancelled and ended on ${props.endedOn}.`}{" "}
        Nothing more will be charged. You are welcome back any time.
      </Text>
      <Button href={props.paymentUrl} style={button}>
        See plans
      </Button>
    </EmailLayout>
  );
}

SubscriptionCancelledEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent membership, monthly",
  endedOn: "21 June 2027",
  unpaid: false,
  paymentUrl: "http://localhost:3000/dashboard/talent/payment",
} satisfies SubscriptionCancelledEmailProps;
