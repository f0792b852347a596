import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";
import { ManageLink } from "./components/manage-link";

export interface TrialEndingEmailProps {
  name: string;
  planName: string;
  trialEndsOn: string;
  /** "30 MAD a month" */
  price: string;
  billingUrl: string;
  /** the app's /billing/portal link: manage or cancel the plan (absent in emails queued before it) */
  manageUrl?: string;
}

export function trialEndingSubject(trialEndsOn: string): string {
  return `Your free trial ends on ${trialEndsOn}`;
}

export default function TrialEndingEmail(props: TrialEndingEmailProps) {
  return (
    <EmailLayout
      preview={`Your free trial ends on ${props.trialEndsOn}; then ${props.price}.`}
      heading="Your free trial ends soon"
      footer="Talents Acting"
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        The free trial of your {props.planName} ends on {props.trialEndsOn}. From then on your card
        is charged {props.price}. Nothing is needed to continue; to change plan or card, or to
        cancel before the trial ends, open billing.
      </Text>
      <Button href={props.billingUrl} style={button}>
        Open billing
      </Button>
      <ManageLink href={props.manageUrl} />
    </EmailLayout>
  );
}

TrialEndingEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent membership, monthly",
  trialEndsOn: "21 May 2027",
  price: "30 MAD a month",
  billingUrl: "http://localhost:3000/dashboard/talent/billing",
} satisfies TrialEndingEmailProps;
