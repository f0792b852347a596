import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { DateValue, MoneyValue } from "../app/i18n/email-values";
import { planName } from "../app/i18n/plans";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";
import { ManageLink } from "./components/manage-link";

export interface SubscriptionPaymentFailedEmailProps {
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  planName: string;
  amount: MoneyValue;
  invoiceNumber: string;
  /** the app's URL that signs the member in if needed and opens the customer portal */
  updateCardUrl: string;
  /** Stripe's next attempt, from the member view */
  retryOn?: DateValue | null;
  /** when access stops if no payment goes through, from the member view */
  accessStopsOn?: DateValue | null;
  /** the app's /billing/portal link: manage or cancel the plan (absent in emails queued before it) */
  manageUrl?: string;
}

export function subscriptionPaymentFailedSubject(
  t: TFunction,
  props: Pick<SubscriptionPaymentFailedEmailProps, "plan" | "planName">,
): string {
  return t("emails:subscriptionPaymentFailed.subject", {
    plan: planName(t, props.plan, props.planName),
  });
}

export default function SubscriptionPaymentFailedEmail(props: SubscriptionPaymentFailedEmailProps) {
  const { t, money, date, plan } = useEmailText();
  const amount = money(props.amount);
  return (
    <EmailLayout
      preview={t("emails:subscriptionPaymentFailed.preview", { amount })}
      heading={t("emails:subscriptionPaymentFailed.heading")}
      footer={t("emails:footer.plain")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {t("emails:subscriptionPaymentFailed.body", {
          amount,
          plan: plan(props),
          invoice: props.invoiceNumber,
        })}{" "}
        {props.retryOn
          ? t("emails:subscriptionPaymentFailed.retryOn", { date: date(props.retryOn) })
          : t("emails:subscriptionPaymentFailed.retrySoon")}{" "}
        {props.accessStopsOn
          ? t("emails:subscriptionPaymentFailed.accessStops", { date: date(props.accessStopsOn) })
          : t("emails:subscriptionPaymentFailed.accessContinues")}{" "}
        {t("emails:subscriptionPaymentFailed.updateHint")}
      </Text>
      <Button href={props.updateCardUrl} style={button}>
        {t("emails:subscriptionPaymentFailed.updateCard")}
      </Button>
      <ManageLink href={props.manageUrl} />
    </EmailLayout>
  );
}

SubscriptionPaymentFailedEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_monthly",
  planName: "Talent membership, monthly",
  amount: { amount: 3000, currency: "MAD" },
  invoiceNumber: "ABCD1234-0002",
  updateCardUrl: "http://localhost:3000/billing/portal",
} satisfies SubscriptionPaymentFailedEmailProps;
