import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import type { DateValue, MoneyValue } from "../app/i18n/email-values";
import { dateText } from "../app/i18n/email-values";
import type { Language } from "../app/i18n/config";
import { useEmailText } from "./components/i18n";
import { button, EmailLayout, text } from "./components/layout";

export interface RenewalNoticeEmailProps {
  name: string;
  /** the plan's id: its name is written in the recipient's language */
  plan?: string;
  planName: string;
  amount: MoneyValue;
  /** when it renews (ISO instant; older rows hold the English date) */
  renewsOn: DateValue;
  /** the app's URL that opens the customer portal (where the member can cancel) */
  manageUrl: string;
}

export function renewalNoticeSubject(
  t: TFunction,
  props: Pick<RenewalNoticeEmailProps, "renewsOn">,
  language: Language,
): string {
  return t("emails:renewalNotice.subject", { date: dateText(props.renewsOn, language) });
}

export default function RenewalNoticeEmail(props: RenewalNoticeEmailProps) {
  const { t, money, date, plan } = useEmailText();
  const amount = money(props.amount);
  const renewsOn = date(props.renewsOn);
  return (
    <EmailLayout
      preview={t("emails:renewalNotice.preview", { amount, date: renewsOn })}
      heading={t("emails:renewalNotice.heading")}
      footer={t("emails:footer.plain")}
    >
      <Text style={text}>{t("emails:hello", { name: props.name })}</Text>
      <Text style={text}>
        {t("emails:renewalNotice.body", { plan: plan(props), date: renewsOn, amount })}
      </Text>
      <Text style={text}>{t("emails:renewalNotice.howToStop")}</Text>
      <Button href={props.manageUrl} style={button}>
        {t("emails:renewalNotice.manage")}
      </Button>
    </EmailLayout>
  );
}

RenewalNoticeEmail.PreviewProps = {
  name: "Amina",
  plan: "talent_yearly",
  planName: "Talent membership, yearly",
  amount: { amount: 30000, currency: "MAD" },
  renewsOn: "2027-12-12T10:00:00.000Z",
  manageUrl: "http://localhost:3000/billing/portal",
} satisfies RenewalNoticeEmailProps;
