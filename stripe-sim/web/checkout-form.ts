import { luhnValid, normalizeCardNumber } from "../domain/cards.js";
import { normalizeTaxId, TAX_ID_TYPES } from "../domain/tax-ids.js";
import { COUNTRY_CODES, DEFAULT_COUNTRY, POSTAL_CODE_COUNTRIES } from "./countries.js";
import { messages } from "./locale.js";
import type { Messages } from "./locale.js";

export interface CheckoutFormValues {
  email: string;
  cardNumber: string;
  cardExpiry: string;
  cardCvc: string;
  billingName: string;
  billingCountry: string;
  billingPostalCode: string;
  billingAddressLine1: string;
  billingAddressLine2: string;
  billingLocality: string;
  businessName: string;
  taxIdType: string;
  taxId: string;
}

export type CheckoutField = keyof CheckoutFormValues;
export type FieldErrors = Partial<Record<CheckoutField, string>>;

export interface ValidCheckout {
  email: string;
  name: string;
  country: string;
  postalCode: string | null;
  /** The full billing address, when the session asks for it. */
  address: { line1: string; line2: string | null; city: string; postalCode: string | null } | null;
  businessName: string | null;
  taxId: { type: string; value: string } | null;
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
  billingAddressLine1: "",
  billingAddressLine2: "",
  billingLocality: "",
  businessName: "",
  taxIdType: "ma_vat",
  taxId: "",
};

/**
 * No field of the form is longer than this. Longer input is cut to one character more before any
 * check runs (so checks stay cheap), and that field is refused rather than silently shortened.
 */
const MAX_FIELD_LENGTH = 512;

export function readCheckoutForm(params: Record<string, unknown>): CheckoutFormValues {
  const text = (key: CheckoutField) =>
    typeof params[key] === "string"
      ? (params[key] as string).slice(0, MAX_FIELD_LENGTH + 1).trim()
      : "";
  return {
    email: text("email"),
    cardNumber: text("cardNumber"),
    cardExpiry: text("cardExpiry"),
    cardCvc: text("cardCvc"),
    billingName: text("billingName"),
    billingCountry: text("billingCountry").toUpperCase() || DEFAULT_COUNTRY,
    billingPostalCode: text("billingPostalCode"),
    billingAddressLine1: text("billingAddressLine1"),
    billingAddressLine2: text("billingAddressLine2"),
    billingLocality: text("billingLocality"),
    businessName: text("businessName"),
    taxIdType: text("taxIdType") || "ma_vat",
    taxId: text("taxId"),
  };
}

/**
 * One "@", something before it, a dot inside the part after it, no spaces: checked in one pass
 * over at most MAX_FIELD_LENGTH characters (a pattern with nested repetition would backtrack for
 * seconds on a long crafted input).
 */
export function plausibleEmail(email: string): boolean {
  if (email.length > MAX_FIELD_LENGTH) return false;
  const at = email.indexOf("@");
  if (at < 1 || at !== email.lastIndexOf("@")) return false;
  for (let i = 0; i < email.length; i++) {
    const code = email.charCodeAt(i);
    if (code <= 32 || code === 127) return false;
  }
  const domain = email.slice(at + 1);
  const dot = domain.indexOf(".");
  return dot > 0 && dot < domain.length - 1 && domain.lastIndexOf(".") < domain.length - 1;
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
  options: {
    cardRequired: boolean;
    taxIdCollection?: boolean;
    addressRequired?: boolean;
    messages?: Messages;
  } = { cardRequired: true },
): { errors: FieldErrors; valid?: ValidCheckout } {
  const m = (options.messages ?? messages("en")).errors;
  const errors: FieldErrors = {};
  const skipCard =
    !options.cardRequired &&
    values.cardNumber === "" &&
    values.cardExpiry === "" &&
    values.cardCvc === "";
  if (values.email === "") errors.email = m.emailIncomplete;
  else if (!plausibleEmail(values.email)) errors.email = m.emailInvalid;

  const number = normalizeCardNumber(values.cardNumber);
  if (skipCard) {
    // payment_method_collection=if_required with nothing due: no card is asked for.
  } else if (number === "") errors.cardNumber = m.cardIncomplete;
  else if (!/^\d+$/.test(number) || number.length < 12) errors.cardNumber = m.cardIncomplete;
  else if (!luhnValid(number)) errors.cardNumber = m.cardInvalid;

  const expiry = parseExpiry(values.cardExpiry);
  if (skipCard) {
    // as above
  } else if (!expiry) {
    errors.cardExpiry = m.expiryIncomplete;
  } else {
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth() + 1;
    if (expiry.year < year || (expiry.year === year && expiry.month < month)) {
      errors.cardExpiry = m.expiryPast;
    } else if (expiry.year > year + 50) {
      errors.cardExpiry = m.expiryYearInvalid;
    }
  }

  if (!skipCard && !/^\d{3,4}$/.test(values.cardCvc)) errors.cardCvc = m.cvcIncomplete;
  if (values.billingName === "") errors.billingName = m.nameIncomplete;
  if (!COUNTRY_CODES.has(values.billingCountry)) errors.billingCountry = m.countryInvalid;
  else if (POSTAL_CODE_COUNTRIES.has(values.billingCountry) && values.billingPostalCode === "") {
    errors.billingPostalCode =
      values.billingCountry === "US" ? m.zipIncomplete : m.postalIncomplete;
  }
  for (const name of [
    "billingName",
    "billingPostalCode",
    "billingAddressLine1",
    "billingAddressLine2",
    "billingLocality",
    "businessName",
  ] as const) {
    if (values[name].length > MAX_FIELD_LENGTH) errors[name] = m.tooLong;
  }
  if (options.addressRequired) {
    if (values.billingAddressLine1 === "") errors.billingAddressLine1 = m.addressIncomplete;
    if (values.billingLocality === "") errors.billingLocality = m.cityIncomplete;
  }
  let taxId: { type: string; value: string } | null = null;
  if (options.taxIdCollection && values.taxId !== "") {
    const value = TAX_ID_TYPES.some((t) => t.type === values.taxIdType)
      ? normalizeTaxId(values.taxIdType, values.taxId)
      : null;
    if (value === null) errors.taxId = m.taxIdInvalid;
    else taxId = { type: values.taxIdType, value };
    if (values.businessName === "") errors.businessName = m.businessNameIncomplete;
  }

  if (Object.keys(errors).length > 0 || (!skipCard && !expiry)) return { errors };
  const postalCode =
    POSTAL_CODE_COUNTRIES.has(values.billingCountry) ||
    (options.addressRequired && values.billingPostalCode !== "")
      ? values.billingPostalCode
      : null;
  return {
    errors,
    valid: {
      email: values.email,
      name: values.billingName,
      country: values.billingCountry,
      postalCode,
      address: options.addressRequired
        ? {
            line1: values.billingAddressLine1,
            line2: values.billingAddressLine2 || null,
            city: values.billingLocality,
            postalCode,
          }
        : null,
      businessName: options.taxIdCollection && values.businessName ? values.businessName : null,
      taxId,
      card: skipCard || !expiry ? null : { number, expMonth: expiry.month, expYear: expiry.year },
    },
  };
}
