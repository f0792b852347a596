import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export interface MembershipConflictEmailProps {
  name: string;
  /** the membership that stands: "Talent membership, monthly" */
  kept: string;
  /** the second one, which was ended: "Talent annual membership" */
  ended: string;
  /** what was refunded, "300 MAD"; null when nothing had been charged */
  refunded: string | null;
  dashboardUrl: string;
}

export function membershipConflictSubject(): string {
  return "You bought a second membership: we refunded it";
}

export default function MembershipConflictEmail(props: MembershipConflictEmailProps) {
  return (
    <EmailLayout
      preview={`Your ${props.kept} continues; we ended your ${props.ended}.`}
      heading="One membership at a time"
      footer="Talents Acting"
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        You already had a {props.kept} when a second purchase went through: {props.ended}. A member
        has one membership at a time, and the first one bought stands, so we ended the second one
        {props.refunded ? ` and refunded ${props.refunded}` : "; nothing had been charged for it"}.
      </Text>
      <Text style={text}>Your {props.kept} continues as before.</Text>
      <Button href={props.dashboardUrl} style={button}>
        Open your dashboard
      </Button>
    </EmailLayout>
  );
}

MembershipConflictEmail.PreviewProps = {
  name: "Amina",
  kept: "Talent membership, monthly",
  ended: "Talent annual membership",
  refunded: "300 MAD",
  dashboardUrl: "http://localhost:3000/dashboard/talent",
} satisfies MembershipConflictEmailProps;
