import type Stripe from "stripe";
import type { User } from "../../db/schema";
import type { Language } from "./config";
import { DEFAULT_LANGUAGE, parseLanguage } from "./config";
import { translator } from "./i18next.server";
import { planName } from "./plans";

/**
 * The language Stripe's own pages and emails use for a member: the account's language (kept in
 * step with the switcher), else French. Stripe's Checkout and portal take "fr" and "en" as is.
 */
export function stripeLocale(user: Pick<User, "locale">): Language {
  return parseLanguage(user.locale) ?? DEFAULT_LANGUAGE;
}

/**
 * What a one-time Checkout Session adds so Stripe makes a paid invoice for the year: the plan
 * in the member's language and a footer naming the platform; Professionals and Companies give
 * their company name, tax id (ICE, Stripe's ma_vat) and billing address, which Stripe saves
 * on the customer and prints on the invoice. Talents are individuals: no tax id asked.
 * Nothing here changes the amount.
 */
export function invoiceParams(
  user: Pick<User, "locale" | "role">,
  plan: { id: string; name: string },
  metadata: Record<string, string>,
): Pick<
  Stripe.Checkout.SessionCreateParams,
  | "locale"
  | "invoice_creation"
  | "tax_id_collection"
  | "billing_address_collection"
  | "customer_update"
> {
  const language = stripeLocale(user);
  const t = translator(language);
  const business = user.role === "professional" || user.role === "company";
  return {
    locale: language,
    invoice_creation: {
      enabled: true,
      invoice_data: {
        description: t("payment:invoice.description", { plan: planName(t, plan.id, plan.name) }),
        footer: t("payment:invoice.footer"),
        metadata,
      },
    },
    ...(business
      ? {
          tax_id_collection: { enabled: true },
          billing_address_collection: "required" as const,
          // The name, address and tax id typed at Checkout are saved on the member's customer.
          customer_update: { name: "auto" as const, address: "auto" as const },
        }
      : {}),
  };
}
