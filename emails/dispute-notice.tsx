import { Text } from "@react-email/components";
import { EmailLayout, text } from "./components/layout";

export interface DisputeNoticeEmailProps {
  /** opened, won, lost, updated */
  outcome: string;
  disputeId: string;
  chargeId: string;
  amount: string;
  reason: string;
  /** "Amina Test <amina@example.com> (member 12)", or "a charge this app does not know" */
  member: string;
  /** what the dispute does to the member's access */
  effect: string;
}

export function disputeNoticeSubject(outcome: string, amount: string): string {
  return `Dispute ${outcome}: ${amount}`;
}

export default function DisputeNoticeEmail(props: DisputeNoticeEmailProps) {
  return (
    <EmailLayout
      preview={`Dispute ${props.disputeId} ${props.outcome} for ${props.amount}.`}
      heading={`A dispute was ${props.outcome}`}
      footer="Talents Acting staff notice"
    >
      <Text style={text}>
        Dispute {props.disputeId} on charge {props.chargeId}: {props.amount}, reason {props.reason}.
      </Text>
      <Text style={text}>Member: {props.member}.</Text>
      <Text style={text}>{props.effect}</Text>
    </EmailLayout>
  );
}

DisputeNoticeEmail.PreviewProps = {
  outcome: "opened",
  disputeId: "dp_123",
  chargeId: "ch_123",
  amount: "300 MAD",
  reason: "fraudulent",
  member: "Amina Test <amina@example.com> (member 12)",
  effect: "Access is suspended until the dispute closes.",
} satisfies DisputeNoticeEmailProps;
