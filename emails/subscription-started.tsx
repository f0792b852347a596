import { Button, Section, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { DateValue, MoneyValue, PriceValue } from "../app/i18n/email-values";
import { planName } from "../app/i18n/plans";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";
import { ManageLink } from "./components/manage-link";

export interface SubscriptionStartedEmailProps {
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  planName: string;
  /** the recurring price: amount, currency and interval */
  price: PriceValue;
  /** the trial's last day when a free trial started, else null */
  trialEndsOn: DateValue | null;
  /** what was charged today, null during a trial */
  amountPaid: MoneyValue | null;
  /** the date of the next charge */
  renewsOn: DateValue;
  reference: string;
  billingUrl: string;
  /** the app's /billing/portal link: manage or cancel the plan (absent in emails queued before it) */
  manageUrl?: string;
}

export function subscriptionStartedSubject(
  t: TFunction,
  props: Pick<SubscriptionStartedEmailProps, "plan" | "planName" | "trialEndsOn">,
): string {
  const plan = planName(t, props.plan, props.planName);
  return props.trialEndsOn
    ? t("emails:subscriptionStarted.subjectTrial", { plan })
    : t("emails:subscriptionStarted.subjectPaid", { plan });
}

/** The confirmation of a new subscription: the existing payment confirmation, adapted to the plan. */
export default function SubscriptionStartedEmail(props: SubscriptionStartedEmailProps) {
  const { t, money, date, price, plan } = useEmailText();
  const trial = props.trialEndsOn !== null;
  const values = {
    plan: plan(props),
    price: price(props.price),
    date: props.trialEndsOn ? date(props.trialEndsOn) : "",
  };
  const renewsOn = date(props.renewsOn);
  return (
    <EmailLayout
      preview={
        trial
          ? t("emails:subscriptionStarted.previewTrial", values)
          : t("emails:subscriptionStarted.previewPaid", values)
      }
      heading={
        trial
          ? t("emails:subscriptionStarted.headingTrial")
          : t("emails:subscriptionStarted.headingPaid")
      }
      footer={t("emails:footer.confirmation")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {trial
          ? t("emails:subscriptionStarted.bodyTrial", values)
          : t("emails:subscriptionStarted.bodyPaid", values)}
      </Text>
      <Section style={details}>
        <Text style={row}>{t("emails:subscriptionStarted.plan", { value: values.plan })}</Text>
        <Text style={row}>{t("emails:subscriptionStarted.price", { value: values.price })}</Text>
        {props.amountPaid ? (
          <Text style={row}>
            {t("emails:subscriptionStarted.paidToday", { value: money(props.amountPaid) })}
          </Text>
        ) : null}
        <Text style={row}>
          {trial
            ? t("emails:subscriptionStarted.firstPayment", { value: renewsOn })
            : t("emails:subscriptionStarted.nextRenewal", { value: renewsOn })}
        </Text>
        <Text style={row}>
          {t("emails:subscriptionStarted.reference", { value: props.reference })}
        </Text>
      </Section>
      <Button href={props.billingUrl} style={button}>
        {t("emails:subscriptionStarted.billing")}
      </Button>
      <ManageLink href={props.manageUrl} />
    </EmailLayout>
  );
}

SubscriptionStartedEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_monthly",
  planName: "Talent membership, monthly",
  price: { amount: 3000, currency: "MAD", interval: "month" },
  trialEndsOn: "2027-05-21T10:00:00.000Z",
  amountPaid: null,
  renewsOn: "2027-05-21T10:00:00.000Z",
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
