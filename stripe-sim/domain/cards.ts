import { createHash } from "node:crypto";

/** What happens when a card is charged, per Stripe's documented test cards. */
export type CardBehaviour =
  | { kind: "succeed" }
  | { kind: "decline"; code: string; declineCode: string; message: string }
  | { kind: "authenticate" };

const declined = (code: string, declineCode: string, message: string): CardBehaviour => ({
  kind: "decline",
  code,
  declineCode,
  message,
});

export const DECLINE_MESSAGES = {
  generic: "Your card was declined.",
  insufficientFunds: "Your card has insufficient funds.",
  expired: "Your card has expired.",
  incorrectCvc: "Your card's security code is incorrect.",
  processing: "An error occurred while processing your card. Try again in a little bit.",
} as const;

/** Card numbers with a special behaviour; any other Luhn-valid number succeeds. */
const TEST_CARDS: Record<string, CardBehaviour> = {
  "4000000000000002": declined("card_declined", "generic_decline", DECLINE_MESSAGES.generic),
  "4000000000009995": declined(
    "card_declined",
    "insufficient_funds",
    DECLINE_MESSAGES.insufficientFunds,
  ),
  "4000000000000069": declined("expired_card", "expired_card", DECLINE_MESSAGES.expired),
  "4000000000000127": declined("incorrect_cvc", "incorrect_cvc", DECLINE_MESSAGES.incorrectCvc),
  "4000000000000119": declined("processing_error", "processing_error", DECLINE_MESSAGES.processing),
  "4100000000000019": declined("card_declined", "fraudulent", DECLINE_MESSAGES.generic),
  // Attaches to a customer fine, then every charge fails (Stripe's chargeCustomerFail).
  "4000000000000341": declined("card_declined", "generic_decline", DECLINE_MESSAGES.generic),
  "4000002500003155": { kind: "authenticate" },
  "4000000000003220": { kind: "authenticate" },
  "4000002760003184": { kind: "authenticate" },
};

/** Stripe's magic PaymentMethod and token ids, mapped to the card numbers they stand for. */
export const TEST_PAYMENT_METHOD_NUMBERS: Record<string, string> = {
  pm_card_visa: "4242424242424242",
  pm_card_visa_debit: "4000056655665556",
  pm_card_mastercard: "5555555555554444",
  pm_card_amex: "378282246310005",
  pm_card_chargeDeclined: "4000000000000002",
  pm_card_chargeDeclinedInsufficientFunds: "4000000000009995",
  pm_card_chargeDeclinedExpiredCard: "4000000000000069",
  pm_card_chargeDeclinedIncorrectCvc: "4000000000000127",
  pm_card_chargeDeclinedProcessingError: "4000000000000119",
  pm_card_chargeDeclinedFraudulent: "4100000000000019",
  pm_card_chargeCustomerFail: "4000000000000341",
  pm_card_threeDSecure2Required: "4000000000003220",
  // Stripe's "always authenticate" card: on session and off session alike.
  pm_card_authenticationRequired: "4000002760003184",
  pm_card_authenticationRequiredOnSetup: "4000002500003155",
  pm_card_authenticationRequiredEveryTime: "4000002760003184",
  pm_card_createDispute: "4000000000000259",
  pm_card_createDisputeInquiry: "4000000000001976",
  tok_createDispute: "4000000000000259",
  tok_createDisputeInquiry: "4000000000001976",
  tok_visa: "4242424242424242",
  tok_visa_debit: "4000056655665556",
  tok_mastercard: "5555555555554444",
  tok_amex: "378282246310005",
  tok_chargeDeclined: "4000000000000002",
  tok_chargeDeclinedInsufficientFunds: "4000000000009995",
  tok_chargeDeclinedExpiredCard: "4000000000000069",
  tok_chargeDeclinedIncorrectCvc: "4000000000000127",
  tok_chargeDeclinedProcessingError: "4000000000000119",
  tok_chargeCustomerFail: "4000000000000341",
  tok_threeDSecure2Required: "4000000000003220",
};

export function normalizeCardNumber(input: string): string {
  return input.replace(/[\s-]/g, "");
}

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function cardBrand(number: string): string {
  if (/^4/.test(number)) return "visa";
  if (/^(5[1-5]|2[2-7])/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  if (/^(6011|65|64[4-9])/.test(number)) return "discover";
  if (/^35/.test(number)) return "jcb";
  if (/^3(0|6|8)/.test(number)) return "diners";
  if (/^62/.test(number)) return "unionpay";
  // Brief: any other Luhn-valid number behaves like a Visa.
  return "visa";
}

/**
 * PaymentMethods never store the full number (neither does Stripe); the fingerprint is a stable
 * hash of it, which is also how a later charge finds the test card's behaviour.
 */
export function cardFingerprint(number: string): string {
  return createHash("sha256").update(`stripe-sim:${number}`).digest("base64url").slice(0, 16);
}

const BEHAVIOUR_BY_FINGERPRINT = new Map(
  Object.entries(TEST_CARDS).map(([number, behaviour]) => [cardFingerprint(number), behaviour]),
);

export function behaviourForFingerprint(fingerprint: string | null | undefined): CardBehaviour {
  return (fingerprint && BEHAVIOUR_BY_FINGERPRINT.get(fingerprint)) || { kind: "succeed" };
}

const EVERY_TIME = cardFingerprint("4000002760003184");

/** 4000 0027 6000 3184 asks for authentication on every charge, even off-session ones after setup. */
export function cardFingerprintRequiresAuthenticationEveryTime(
  fingerprint: string | null | undefined,
): boolean {
  return fingerprint === EVERY_TIME;
}

export type DisputeKind = "chargeback" | "inquiry";

/** Cards whose charges succeed and are then disputed (a fraud chargeback, or an inquiry). */
const DISPUTE_BY_FINGERPRINT = new Map<string, DisputeKind>([
  [cardFingerprint("4000000000000259"), "chargeback"],
  [cardFingerprint("4000000000001976"), "inquiry"],
]);

export function disputeKindForFingerprint(
  fingerprint: string | null | undefined,
): DisputeKind | undefined {
  return fingerprint ? DISPUTE_BY_FINGERPRINT.get(fingerprint) : undefined;
}

export function cardFunding(number: string): string {
  return number === "4000056655665556" ? "debit" : "credit";
}
