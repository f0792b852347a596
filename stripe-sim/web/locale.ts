import type { IncomingMessage } from "node:http";

/** The languages the hosted pages speak; every other Stripe locale falls back to English. */
export type PageLocale = "en" | "fr";

/**
 * The page language from a Stripe `locale` (a Checkout or portal session's, or a customer's
 * `preferred_locales`): `fr` and `fr-CA` are French; `auto` (or none) follows the browser's
 * Accept-Language, as Stripe's pages do.
 */
export function pageLocale(
  locales: ReadonlyArray<string | null | undefined>,
  req?: IncomingMessage,
): PageLocale {
  for (const locale of locales) {
    if (!locale || locale === "auto") continue;
    return locale.toLowerCase().startsWith("fr") ? "fr" : "en";
  }
  const accept = req?.headers["accept-language"];
  const first = typeof accept === "string" ? accept.slice(0, 200).split(",")[0] : undefined;
  return first?.trim().toLowerCase().startsWith("fr") ? "fr" : "en";
}

/** Intl's language tag for dates and amounts. */
export function intlTag(locale: PageLocale): string {
  return locale === "fr" ? "fr-FR" : "en-US";
}

/** "5 December 2026" / "5 d\u00e9cembre 2026", in UTC (test clocks' times are UTC). */
export function longDate(seconds: number, locale: PageLocale): string {
  return new Date(seconds * 1000).toLocaleDateString(intlTag(locale), {
    month: "long",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}

const EN = {
  testMode: "Test mode",
  back: "Back",
  backTo: (merchant: string) => `Back to ${merchant}`,
  pay: "Pay",
  payMerchant: (merchant: string) => `Pay ${merchant}`,
  qty: (n: number) => `Qty ${n}`,
  each: "each",
  subtotal: "Subtotal",
  totalDue: "Total due",
  totalDueToday: "Total due today",
  subscribeTo: (name: string) => `Subscribe to ${name}`,
  tryProduct: (name: string) => `Try ${name}`,
  daysFree: (n: number) => `${n} days free`,
  thenStarting: (amount: string, per: string, date: string) =>
    `Then ${amount} ${per} starting ${date}`,
  billed: (interval: string) => `Billed ${interval}`,
  per: { day: "per day", week: "per week", month: "per month", year: "per year" } as Record<
    string,
    string
  >,
  every: (count: number, interval: string) => `every ${count} ${interval}s`,
  periodic: { day: "daily", week: "weekly", month: "monthly", year: "yearly" } as Record<
    string,
    string
  >,
  setupTitle: (merchant: string) => `Set up future payments to ${merchant}`,
  setupNote: "Your card is saved for future payments. You are not charged now.",
  payWithCard: "Pay with card",
  cardInformation: "Card information",
  contactInformation: "Contact information",
  email: "Email",
  cardNumber: "Card number",
  expiration: "Expiration",
  cvc: "CVC",
  cardholderName: "Cardholder name",
  fullNameOnCard: "Full name on card",
  countryOrRegion: "Country or region",
  postalCode: "ZIP / Postal code",
  billingAddress: "Billing address",
  addressLine1: "Address line 1",
  addressLine2: "Address line 2 (optional)",
  city: "City",
  businessSection: "Purchasing as a business (optional)",
  businessName: "Business name",
  taxIdType: "Tax ID type",
  taxId: "Tax ID",
  submit: {
    pay: "Pay",
    book: "Book",
    donate: "Donate",
    subscribe: "Subscribe",
    startTrial: "Start trial",
    saveCard: "Save card",
  },
  processing: "Processing\u2026",
  testCards: "Test cards",
  testCardsText:
    "4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds; 4000 0025 0000 3155 asks for 3-D Secure. Any future expiry, any CVC.",
  footer: "stripe-sim \u00b7 a local stand-in for Stripe Checkout. No real payment is made.",
  errors: {
    emailIncomplete: "Your email is incomplete.",
    emailInvalid: "Your email address is invalid.",
    cardIncomplete: "Your card number is incomplete.",
    cardInvalid: "Your card number is invalid.",
    expiryIncomplete: "Your card's expiration date is incomplete.",
    expiryPast: "Your card's expiration date is in the past.",
    expiryYearInvalid: "Your card's expiration year is invalid.",
    cvcIncomplete: "Your card's security code is incomplete.",
    nameIncomplete: "Your name is incomplete.",
    countryInvalid: "Your country or region is invalid.",
    zipIncomplete: "Your ZIP is incomplete.",
    postalIncomplete: "Your postal code is incomplete.",
    addressIncomplete: "Your address is incomplete.",
    cityIncomplete: "Your city is incomplete.",
    businessNameIncomplete: "Your business name is incomplete.",
    taxIdInvalid: "Your tax ID is invalid.",
    tooLong: "This field is too long.",
  },
  invoice: "Invoice",
  invoiceTitle: (number: string) => `Invoice ${number}`,
  invoiceStatus: {
    draft: "Draft",
    open: "Due",
    paid: "Paid",
    void: "Void",
    uncollectible: "Uncollectible",
  } as Record<string, string>,
  paidOn: (date: string) => `Paid ${date}`,
  issuedOn: (date: string) => `Issued ${date}`,
  billedTo: "Billed to",
  total: "Total",
  amountPaid: "Amount paid",
  amountRemaining: "Amount remaining",
  amountDue: "Amount due",
  downloadInvoice: "Download invoice (PDF)",
  viewReceipt: "View receipt",
  payThisInvoice: "Pay this invoice",
  payAmount: (amount: string) => `Pay ${amount}`,
  confirmTitle: "Confirm your payment",
  confirmText: (amount: string) =>
    `Your bank asks you to confirm this payment of ${amount} with the card on file.`,
  confirmButton: "Confirm payment",
  invoiceNumber: "Invoice number",
  dateOfIssue: "Date of issue",
  status: "Status",
  billTo: "Bill to",
  description: "Description",
  amount: "Amount",
  noLongerPayable: "This invoice can no longer be paid.",
  authenticationFailed: "Authentication failed.",
  receiptFrom: (merchant: string) => `Receipt from ${merchant}`,
  datePaid: "Date paid",
  paymentMethod: "Payment method",
  refunded: "Refunded",
  receiptPaid: "Paid",
  receiptFailed: "Failed",
  notARealInvoice: "Made by stripe-sim, a local stand-in for Stripe. Not a real invoice.",
};

export type Messages = typeof EN;

const FR: Messages = {
  testMode: "Mode test",
  back: "Retour",
  backTo: (merchant) => `Retour \u00e0 ${merchant}`,
  pay: "Payer",
  payMerchant: (merchant) => `Payer ${merchant}`,
  qty: (n) => `Qt\u00e9 ${n}`,
  each: "chacun",
  subtotal: "Sous-total",
  totalDue: "Montant d\u00fb",
  totalDueToday: "Montant d\u00fb aujourd'hui",
  subscribeTo: (name) => `S'abonner \u00e0 ${name}`,
  tryProduct: (name) => `Essayer ${name}`,
  daysFree: (n) => `${n} jours gratuits`,
  thenStarting: (amount, per, date) => `Puis ${amount} ${per} \u00e0 partir du ${date}`,
  billed: (interval) => `Factur\u00e9 ${interval}`,
  per: { day: "par jour", week: "par semaine", month: "par mois", year: "par an" },
  every: (count, interval) =>
    `tous les ${count} ${{ day: "jours", week: "semaines", month: "mois", year: "ans" }[interval] ?? interval}`,
  periodic: {
    day: "chaque jour",
    week: "chaque semaine",
    month: "chaque mois",
    year: "chaque ann\u00e9e",
  },
  setupTitle: (merchant) => `Configurer les paiements futurs \u00e0 ${merchant}`,
  setupNote:
    "Votre carte est enregistr\u00e9e pour les paiements futurs. Aucun montant n'est d\u00e9bit\u00e9 maintenant.",
  payWithCard: "Payer par carte",
  cardInformation: "Informations de la carte",
  contactInformation: "Coordonn\u00e9es",
  email: "E-mail",
  cardNumber: "Num\u00e9ro de carte",
  expiration: "Date d'expiration",
  cvc: "CVC",
  cardholderName: "Nom du titulaire de la carte",
  fullNameOnCard: "Nom complet figurant sur la carte",
  countryOrRegion: "Pays ou r\u00e9gion",
  postalCode: "Code postal",
  billingAddress: "Adresse de facturation",
  addressLine1: "Adresse (ligne 1)",
  addressLine2: "Adresse (ligne 2, facultatif)",
  city: "Ville",
  businessSection: "Achat en tant qu'entreprise (facultatif)",
  businessName: "Nom de l'entreprise",
  taxIdType: "Type de num\u00e9ro fiscal",
  taxId: "Num\u00e9ro d'identification fiscale",
  submit: {
    pay: "Payer",
    book: "R\u00e9server",
    donate: "Faire un don",
    subscribe: "S'abonner",
    startTrial: "Commencer l'essai",
    saveCard: "Enregistrer la carte",
  },
  processing: "Traitement\u2026",
  testCards: "Cartes de test",
  testCardsText:
    "4242 4242 4242 4242 est accept\u00e9e ; 4000 0000 0000 0002 est refus\u00e9e ; 4000 0000 0000 9995 manque de fonds ; 4000 0025 0000 3155 demande 3-D Secure. Toute date future, tout CVC.",
  footer:
    "stripe-sim \u00b7 un substitut local de Stripe Checkout. Aucun paiement r\u00e9el n'est effectu\u00e9.",
  errors: {
    emailIncomplete: "Votre adresse e-mail est incompl\u00e8te.",
    emailInvalid: "Votre adresse e-mail n'est pas valide.",
    cardIncomplete: "Le num\u00e9ro de votre carte est incomplet.",
    cardInvalid: "Le num\u00e9ro de votre carte n'est pas valide.",
    expiryIncomplete: "La date d'expiration de votre carte est incompl\u00e8te.",
    expiryPast: "La date d'expiration de votre carte est d\u00e9pass\u00e9e.",
    expiryYearInvalid: "L'ann\u00e9e d'expiration de votre carte n'est pas valide.",
    cvcIncomplete: "Le code de s\u00e9curit\u00e9 de votre carte est incomplet.",
    nameIncomplete: "Votre nom est incomplet.",
    countryInvalid: "Votre pays ou r\u00e9gion n'est pas valide.",
    zipIncomplete: "Votre code postal est incomplet.",
    postalIncomplete: "Votre code postal est incomplet.",
    addressIncomplete: "Votre adresse est incompl\u00e8te.",
    cityIncomplete: "Votre ville est incompl\u00e8te.",
    businessNameIncomplete: "Le nom de votre entreprise est incomplet.",
    taxIdInvalid: "Votre num\u00e9ro d'identification fiscale n'est pas valide.",
    tooLong: "Ce champ est trop long.",
  },
  invoice: "Facture",
  invoiceTitle: (number) => `Facture ${number}`,
  invoiceStatus: {
    draft: "Brouillon",
    open: "\u00c0 payer",
    paid: "Pay\u00e9e",
    void: "Annul\u00e9e",
    uncollectible: "Irr\u00e9couvrable",
  },
  paidOn: (date) => `Pay\u00e9e le ${date}`,
  issuedOn: (date) => `\u00c9mise le ${date}`,
  billedTo: "Factur\u00e9 \u00e0",
  total: "Total",
  amountPaid: "Montant pay\u00e9",
  amountRemaining: "Montant restant",
  amountDue: "Montant d\u00fb",
  downloadInvoice: "T\u00e9l\u00e9charger la facture (PDF)",
  viewReceipt: "Voir le re\u00e7u",
  payThisInvoice: "Payer cette facture",
  payAmount: (amount) => `Payer ${amount}`,
  confirmTitle: "Confirmez votre paiement",
  confirmText: (amount) =>
    `Votre banque vous demande de confirmer ce paiement de ${amount} avec la carte enregistr\u00e9e.`,
  confirmButton: "Confirmer le paiement",
  invoiceNumber: "Num\u00e9ro de facture",
  dateOfIssue: "Date d'\u00e9mission",
  status: "Statut",
  billTo: "Facturer \u00e0",
  description: "Description",
  amount: "Montant",
  noLongerPayable: "Cette facture ne peut plus \u00eatre pay\u00e9e.",
  authenticationFailed: "L'authentification a \u00e9chou\u00e9.",
  receiptFrom: (merchant) => `Re\u00e7u de ${merchant}`,
  datePaid: "Date du paiement",
  paymentMethod: "Moyen de paiement",
  refunded: "Rembours\u00e9",
  receiptPaid: "Pay\u00e9",
  receiptFailed: "\u00c9chou\u00e9",
  notARealInvoice:
    "Produit par stripe-sim, un substitut local de Stripe. Ce n'est pas une vraie facture.",
};

export function messages(locale: PageLocale): Messages {
  return locale === "fr" ? FR : EN;
}

/** Card and authentication messages made in English by the domain, as a French page shows them. */
const FR_MESSAGES: Record<string, string> = {
  "Your card was declined.": "Votre carte a \u00e9t\u00e9 refus\u00e9e.",
  "Your card has insufficient funds.": "Votre carte ne dispose pas de fonds suffisants.",
  "Your card has expired.": "Votre carte a expir\u00e9.",
  "Your card's security code is incorrect.":
    "Le code de s\u00e9curit\u00e9 de votre carte est incorrect.",
  "An error occurred while processing your card. Try again in a little bit.":
    "Une erreur s'est produite lors du traitement de votre carte. R\u00e9essayez dans un instant.",
  "We are unable to authenticate your payment method. Please choose a different payment method and try again.":
    "Nous ne parvenons pas \u00e0 authentifier votre moyen de paiement. Choisissez-en un autre et r\u00e9essayez.",
};

export function localizeMessage(message: string, locale: PageLocale): string {
  return locale === "fr" ? (FR_MESSAGES[message] ?? message) : message;
}
