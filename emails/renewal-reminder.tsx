import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export type RenewalReminderKind = "30-days" | "7-days" | "ended";

export interface RenewalReminderEmailProps {
  kind: RenewalReminderKind;
  name: string;
  planName: string;
  /** the access end date as people read it */
  accessEndsOn: string;
  /** the member's own payment page */
  paymentUrl: string;
}

export function renewalReminderSubject(kind: RenewalReminderKind, planName: string): string {
  if (kind === "ended") return `Your ${planName} has ended: renew now`;
  return `Your ${planName} ends in ${kind === "30-days" ? "30" : "7"} days: renew now`;
}

export default function RenewalReminderEmail(props: RenewalReminderEmailProps) {
  const ended = props.kind === "ended";
  return (
    <EmailLayout
      preview={
        ended
          ? `Your access ended on ${props.accessEndsOn}.`
          : `Your access ends on ${props.accessEndsOn}.`
      }
      heading={ended ? "Your access has ended" : "Renew your access"}
      footer="Talents Acting. You get these reminders because you paid for a year; they stop when you renew."
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        {ended
          ? `Your ${props.planName} ended on ${props.accessEndsOn}. Renew now to get your access back for another year.`
          : `Your ${props.planName} ends on ${props.accessEndsOn}. Renew now and the new year starts when the current one ends, so you lose no days.`}
      </Text>
      <Button href={props.paymentUrl} style={button}>
        Renew now
      </Button>
    </EmailLayout>
  );
}

RenewalReminderEmail.PreviewProps = {
  kind: "30-days",
  name: "Amina",
  planName: "Talent annual membership",
  accessEndsOn: "21 November 2027",
  paymentUrl: "http://localhost:3000/dashboard/talent/payment",
} satisfies RenewalReminderEmailProps;
