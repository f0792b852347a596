import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export interface RenewalNoticeEmailProps {
  name: string;
  planName: string;
  amount: string;
  renewsOn: string;
  /** the app's URL that opens the customer portal (where the member can cancel) */
  manageUrl: string;
}

export function renewalNoticeSubject(renewsOn: string): string {
  return `Your membership renews on ${renewsOn}`;
}

export default function RenewalNoticeEmail(props: RenewalNoticeEmailProps) {
  return (
    <EmailLayout
      preview={`We will charge ${props.amount} on ${props.renewsOn}.`}
      heading="Your yearly membership renews soon"
      footer="Talents Acting"
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        Your {props.planName} renews on {props.renewsOn}, and we will charge {props.amount} to your
        card on file. Nothing is needed if you want to keep it.
      </Text>
      <Text style={text}>
        To stop it, cancel before that date from your billing page: your access then runs until the
        end of the year already paid.
      </Text>
      <Button href={props.manageUrl} style={button}>
        Manage your membership
      </Button>
    </EmailLayout>
  );
}

RenewalNoticeEmail.PreviewProps = {
  name: "Amina",
  planName: "Talent membership, yearly",
  amount: "300 MAD",
  renewsOn: "12 December 2027",
  manageUrl: "http://localhost:3000/billing/portal",
} satisfies RenewalNoticeEmailProps;
