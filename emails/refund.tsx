import { Button, Text } from "@react-email/components";
import { button, EmailLayout, text } from "./components/layout";

export interface RefundEmailProps {
  name: string;
  /** what was paid: "Talent annual membership", "invoice ABCD-0002" */
  paidFor: string;
  amount: string;
  /** the refund covers the whole payment */
  full: boolean;
  /** the refund ended the member's access (a full refund of the paid year) */
  accessEnded: boolean;
  reference: string;
  dashboardUrl: string;
}

export function refundSubject(): string {
  return "Your refund";
}

export default function RefundEmail(props: RefundEmailProps) {
  return (
    <EmailLayout
      preview={`We refunded ${props.amount} for your ${props.paidFor}.`}
      heading="Your refund"
      footer="Talents Acting. Your bank usually shows a refund within 5 to 10 days."
    >
      <Text style={text}>Hello {props.name},</Text>
      <Text style={text}>
        We refunded {props.amount} for your {props.paidFor}
        {props.full ? "" : " (part of the payment)"}. Reference: {props.reference}.
      </Text>
      <Text style={text}>
        {props.accessEnded
          ? "The payment was refunded in full, so the access it paid for has ended."
          : "Your access is unchanged."}
      </Text>
      <Button href={props.dashboardUrl} style={button}>
        Open your dashboard
      </Button>
    </EmailLayout>
  );
}

RefundEmail.PreviewProps = {
  name: "Amina",
  paidFor: "Talent annual membership",
  amount: "300 MAD",
  full: true,
  accessEnded: true,
  reference: "re_123",
  dashboardUrl: "http://localhost:3000/dashboard/talent",
} satisfies RefundEmailProps;
