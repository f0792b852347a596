import { Button, Section, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";
import { ManageLink } from "./components/manage-link";

export interface SubscriptionStartedEmailProps {
  name: string;
  planName: string;
  /** "30 MAD a month" */
  price: string;
  /** the trial's last day when a free trial started, else null */
  trialEndsOn: string | null;
  /** what was charged today ("30 MAD"), null during a trial */
  amountPaid: string | null;
  /** the date of the next charge */
  renewsOn: string;
  reference: string;
  billingUrl: string;
  /** the app's /billing/portal link: manage or cancel the plan (absent in emails queued before it) */
  manageUrl?: string;
}

export function subscriptionStartedSubject(
  props: Pick<SubscriptionStartedEmailProps, "planName" | "trialEndsOn">,
): string {
  return props.trialEndsOn
    ? `Your free trial has started: ${props.planName}`
    : `Payment received: ${props.planName}`;
}

/** The confirmation of a new subscription: the existing payment confirmation, adapted to the plan. */
export default function SubscriptionStartedEmail(props: SubscriptionStartedEmailProps) {
  const trial = props.trialEndsOn !== null;
  return (
    <EmailLayout
      preview={
        trial
          ? `Your free trial runs until ${props.trialEndsOn}.`
          : `Thank you: your ${props.planName} is active.`
      }
      heading={trial ? "Your free trial has started" : "Thank you for your payment"}
      footer="Talents Acting. Keep this email as your confirmation."
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        {trial
          ? `Your ${props.planName} is active. Your free trial runs until ${props.trialEndsOn}; then ${props.price}, renewing by itself until you cancel.`
          : `We received your payment for the ${props.planName}. It renews by itself at ${props.price} until you cancel.`}
      </Text>
      <Section style={details}>
        <Text style={row}>{`Plan: ${props.planName}`}</Text>
        <Text style={row}>{`Price: ${props.price}`}</Text>
        {props.amountPaid ? <Text style={row}>{`Paid today: ${props.amountPaid}`}</Text> : null}
        <Text style={row}>
          {trial ? `First payment on: ${props.renewsOn}` : `Next renewal: ${props.renewsOn}`}
        </Text>
        <Text style={row}>{`Reference: ${props.reference}`}</Text>
      </Section>
      <Button href={props.billingUrl} style={button}>
        Open billing
      </Button>
      <ManageLink href={props.manageUrl} />
    </EmailLayout>
  );
}

SubscriptionStartedEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent membership, monthly",
  price: "30 MAD a month",
  trialEndsOn: "21 May 2027",
  amountPaid: null,
  renewsOn: "21 May 2027",
  reference: "sub_123",
  billingUrl: "http://localhost:3000/dashboard/talent/billing",
} satisfies SubscriptionStartedEmailProps;

const details = {
  backgroundColor: "#f6f8fb",
  padding: "8px 16px",
  borderRadius: "8px",
  margin: "16px 0",
};
const row = { fontSize: "14px", color: "#1a1f36", margin: "4px 0" };
