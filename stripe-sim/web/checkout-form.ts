import { luhnValid, normalizeCardNumber } from "../domain/cards.js";
import { COUNTRY_CODES, DEFAULT_COUNTRY, POSTAL_CODE_COUNTRIES } from "./countries.js";

export interface CheckoutFormValues {
  email: string;
  cardNumber: string;
  cardExpiry: string;
  cardCvc: string;
  billingName: string;
  billingCountry: string;
  billingPostalCode: string;
}

export type CheckoutField = keyof CheckoutFormValues;
export type FieldErrors = Partial<Record<CheckoutField, string>>;

export interface ValidCheckout {
  email: string;
  name: string;
  country: string;
  postalCode: string | null;
  /** null when the session needs no card and none was given. */
  card: { number: string; expMonth: number; expYear: number } | null;
}

export const EMPTY_FORM: CheckoutFormValues = {
  email: "",
  cardNumber: "",
  cardExpiry: "",
  cardCvc: "",
  billingName: "",
  billingCountry: DEFAULT_COUNTRY,
  billingPostalCode: "",
};

export function readCheckoutForm(params: Record<string, unknown>): CheckoutFormValues {
  const text = (key: CheckoutField) =>
    typeof params[key] === "string" ? (params[key] as string).trim() : "";
  return {
    email: text("email"),
    cardNumber: text("cardNumber"),
    cardExpiry: text("cardExpiry"),
    cardCvc: text("cardCvc"),
    billingName: text("billingName"),
    billingCountry: text("billingCountry").toUpperCase() || DEFAULT_COUNTRY,
    billingPostalCode: text("billingPostalCode"),
  };
}

/** Accepts "MM / YY", "MM/YY", "MM/YYYY" and "MMYY". */
export function parseExpiry(input: string): { month: number; year: number } | undefined {
  const compact = input.replace(/\s/g, "");
  const match = /^(\d{1,2})\/?(\d{2}|\d{4})$/.exec(
    compact.includes("/") ? compact : compact.replace(/^(\d{2})(\d+)$/, "$1/$2"),
  );
  if (!match) return undefined;
  const month = Number(match[1]);
  const yearText = match[2] ?? "";
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (month < 1 || month > 12) return undefined;
  return { month, year };
}

/** Field errors in Stripe's wording; nothing is recorded when any field is wrong. */
export function validateCheckoutForm(
  values: CheckoutFormValues,
  now: Date,
  options: { cardRequired: boolean } = { cardRequired: true },
): { errors: FieldErrors; valid?: ValidCheckout } {
  const errors: FieldErrors = {};
  const skipCard =
    !options.cardRequired &&
    values.cardNumber === "" &&
    values.cardExpiry === "" &&
    values.cardCvc === "";
  if (values.email === "") errors.email = "Your email is incomplete.";
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email))
    errors.email = "Your email address is invalid.";

  const number = normalizeCardNumber(values.cardNumber);
  if (skipCard) {
    // payment_method_collection=if_required with nothing due: no card is asked for.
  } else if (number === "") errors.cardNumber = "Your card number is incomplete.";
  else if (!/^\d+$/.test(number) || number.length < 12)
    errors.cardNumber = "Your card number is incomplete.";
  else if (!luhnValid(number)) errors.cardNumber = "Your card number is invalid.";

  const expiry = parseExpiry(values.cardExpiry);
  if (skipCard) {
    // as above
  } else if (!expiry) {
    errors.cardExpiry = "Your card's expiration date is incomplete.";
  } else {
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth() + 1;
    if (expiry.year < year || (expiry.year === year && expiry.month < month)) {
      errors.cardExpiry = "Your card's expiration date is in the past.";
    } else if (expiry.year > year + 50) {
      errors.cardExpiry = "Your card's expiration year is invalid.";
    }
  }

  if (!skipCard && !/^\d{3,4}$/.test(values.cardCvc))
    errors.cardCvc = "Your card's security code is incomplete.";
  if (values.billingName === "") errors.billingName = "Your name is incomplete.";
  if (!COUNTRY_CODES.has(values.billingCountry))
    errors.billingCountry = "Your country or region is invalid.";
  else if (POSTAL_CODE_COUNTRIES.has(values.billingCountry) && values.billingPostalCode === "") {
    errors.billingPostalCode =
      values.billingCountry === "US"
        ? "Your ZIP is incomplete."
        : "Your postal code is incomplete.";
  }

  if (Object.keys(errors).length > 0 || (!skipCard && !expiry)) return { errors };
  const postalCode = POSTAL_CODE_COUNTRIES.has(values.billingCountry)
    ? values.billingPostalCode
    : null;
  return {
    errors,
    valid: {
      email: values.email,
      name: values.billingName,
      country: values.billingCountry,
      postalCode,
      card: skipCard || !expiry ? null : { number, expMonth: expiry.month, expYear: expiry.year },
    },
  };
}
