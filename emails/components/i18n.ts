import { useTranslation } from "react-i18next";
import type { DateValue, MoneyValue, PriceValue } from "../../app/i18n/email-values";
import { dateText, moneyText } from "../../app/i18n/email-values";
import { DEFAULT_LANGUAGE, parseLanguage } from "../../app/i18n/config";
import { planName } from "../../app/i18n/plans";

/** What a template needs to write in the recipient's language (the dispatcher sets it). */
export function useEmailText() {
  const { t, i18n } = useTranslation("emails");
  const language = parseLanguage(i18n.language) ?? DEFAULT_LANGUAGE;
  return {
    t,
    language,
    money: (value: MoneyValue) => moneyText(value, language),
    date: (value: DateValue) => dateText(value, language),
    price: (value: PriceValue) =>
      typeof value === "string"
        ? value
        : t(value.interval === "month" ? "emails:price.month" : "emails:price.year", {
            amount: moneyText(value, language),
          }),
    plan: (props: { plan?: string; planName: string }) => planName(t, props.plan, props.planName),
  };
}
