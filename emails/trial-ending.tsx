import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { DateValue, PriceValue } from "../app/i18n/email-values";
import { dateText } from "../app/i18n/email-values";
import { DEFAULT_LANGUAGE, parseLanguage } from "../app/i18n/config";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";
import { ManageLink } from "./components/manage-link";

export interface TrialEndingEmailProps {
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  planName: string;
  trialEndsOn: DateValue;
  /** the recurring price: amount, currency and interval */
  price: PriceValue;
  billingUrl: string;
  /** the app's /billing/portal link: manage or cancel the plan (absent in emails queued before it) */
  manageUrl?: string;
}

export function trialEndingSubject(
  t: TFunction,
  props: Pick<TrialEndingEmailProps, "trialEndsOn">,
  language: string,
): string {
  return t("emails:trialEnding.subject", {
    date: dateText(props.trialEndsOn, parseLanguage(language) ?? DEFAULT_LANGUAGE),
  });
}

export default function TrialEndingEmail(props: TrialEndingEmailProps) {
  const { t, date, price, plan } = useEmailText();
  const values = { plan: plan(props), date: date(props.trialEndsOn), price: price(props.price) };
  return (
    <EmailLayout
      preview={t("emails:trialEnding.preview", values)}
      heading={t("emails:trialEnding.heading")}
      footer={t("emails:footer.plain")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>{t("emails:trialEnding.body", values)}</Text>
      <Button href={props.billingUrl} style={button}>
        {t("emails:trialEnding.billing")}
      </Button>
      <ManageLink href={props.manageUrl} />
    </EmailLayout>
  );
}

TrialEndingEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_monthly",
  planName: "Talent membership, monthly",
  trialEndsOn: "2027-05-21T10:00:00.000Z",
  price: { amount: 3000, currency: "MAD", interval: "month" },
  billingUrl: "http://localhost:3000/dashboard/talent/billing",
} satisfies TrialEndingEmailProps;
