import { Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { Language } from "../app/i18n/config";
import type { MoneyValue } from "../app/i18n/email-values";
import { moneyText } from "../app/i18n/email-values";
import { useEmailText } from "./components/i18n";
import { EmailLayout, text } from "./components/layout";

/** What the dispute did to the member's access; older rows hold an English sentence instead. */
export type DisputeEffect = "not_ours" | "suspended" | "restored" | "stays_ended";

export interface DisputeNoticeEmailProps {
  /** opened, won, lost */
  outcome: string;
  disputeId: string;
  chargeId: string;
  amount: MoneyValue;
  /** Stripe's reason code ("fraudulent"), shown as Stripe writes it */
  reason: string;
  /** "Amina Test <amina@example.com> (member 12)"; null for a charge this app does not know */
  member: string | null;
  effect: DisputeEffect | string;
}

// Each outcome and effect as a catalog key, written out so the catalog test sees them.
const OUTCOME_SUBJECT: Record<string, string> = {
  opened: "emails:disputeNotice.subject.opened",
  won: "emails:disputeNotice.subject.won",
  lost: "emails:disputeNotice.subject.lost",
};
const OUTCOME_HEADING: Record<string, string> = {
  opened: "emails:disputeNotice.heading.opened",
  won: "emails:disputeNotice.heading.won",
  lost: "emails:disputeNotice.heading.lost",
};
const EFFECT: Record<DisputeEffect, string> = {
  not_ours: "emails:disputeNotice.effect.notOurs",
  suspended: "emails:disputeNotice.effect.suspended",
  restored: "emails:disputeNotice.effect.restored",
  stays_ended: "emails:disputeNotice.effect.staysEnded",
};

const outcomeKey = (table: Record<string, string>, outcome: string) =>
  table[outcome] ?? table.opened!;

export function disputeNoticeSubject(
  t: TFunction,
  props: Pick<DisputeNoticeEmailProps, "outcome" | "amount">,
  language: Language,
): string {
  return t(outcomeKey(OUTCOME_SUBJECT, props.outcome), {
    amount: moneyText(props.amount, language),
  });
}

/** A notice to the staff (STAFF_EMAIL), in that address's language (French by default). */
export default function DisputeNoticeEmail(props: DisputeNoticeEmailProps) {
  const { t, money } = useEmailText();
  const amount = money(props.amount);
  const effectKey = EFFECT[props.effect as DisputeEffect];
  return (
    <EmailLayout
      preview={t(outcomeKey(OUTCOME_SUBJECT, props.outcome), { amount })}
      heading={t(outcomeKey(OUTCOME_HEADING, props.outcome))}
      footer={t("emails:disputeNotice.footer")}
    >
      <Text style={text}>
        {t("emails:disputeNotice.body", {
          dispute: props.disputeId,
          charge: props.chargeId,
          amount,
          reason: props.reason,
        })}
      </Text>
      <Text style={text}>
        {props.member === null
          ? t("emails:disputeNotice.unknownMember")
          : t("emails:disputeNotice.member", { member: props.member })}
      </Text>
      <Text style={text}>{effectKey ? t(effectKey) : props.effect}</Text>
    </EmailLayout>
  );
}

DisputeNoticeEmail.PreviewProps = {
  outcome: "opened",
  disputeId: "dp_123",
  chargeId: "ch_123",
  amount: { amount: 30000, currency: "MAD" },
  reason: "fraudulent",
  member: "Amina Test <amina@example.com> (member 12)",
  effect: "suspended",
} satisfies DisputeNoticeEmailProps;
