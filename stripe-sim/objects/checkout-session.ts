import type Stripe from "stripe";

export interface SessionFields {
  mode: Stripe.Checkout.Session.Mode;
  currency: string | null;
  amountSubtotal: number | null;
  amountTotal: number | null;
  paymentMethodCollection?: Stripe.Checkout.Session.PaymentMethodCollection;
  customer: string | null;
  customerEmail: string | null;
  customerCreation: Stripe.Checkout.Session.CustomerCreation | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  successUrl: string | null;
  cancelUrl: string | null;
  expiresAt: number;
  paymentMethodTypes: string[];
  allowedPaymentMethodTypes: string[] | null;
  locale: Stripe.Checkout.Session.Locale | null;
  allowPromotionCodes: boolean | null;
  billingAddressCollection: Stripe.Checkout.Session.BillingAddressCollection | null;
  submitType: Stripe.Checkout.Session.SubmitType | null;
  phoneNumberCollection: boolean;
  invoiceCreation?: Stripe.Checkout.Session.InvoiceCreation | null;
  taxIdCollection?: Stripe.Checkout.Session.TaxIdCollection;
  url: string;
}

export function buildCheckoutSession(
  id: string,
  created: number,
  fields: SessionFields,
): Stripe.Checkout.Session {
  return {
    id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: fields.allowPromotionCodes,
    allowed_payment_method_types: fields.allowedPaymentMethodTypes,
    amount_subtotal: fields.amountSubtotal,
    amount_total: fields.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: fields.billingAddressCollection,
    cancel_url: fields.cancelUrl,
    client_reference_id: fields.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency: fields.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: fields.customer,
    customer_account: null,
    customer_creation: fields.customerCreation,
    customer_details: null,
    customer_email: fields.customerEmail,
    discounts: [],
    expires_at: fields.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: fields.invoiceCreation ?? null,
    livemode: false,
    locale: fields.locale,
    managed_payments: null,
    metadata: fields.metadata,
    mode: fields.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: fields.paymentMethodCollection ?? "if_required",
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: fields.paymentMethodTypes,
    payment_status: "unpaid",
    permissions: null,
    phone_number_collection: { enabled: fields.phoneNumberCollection },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: fields.submitType,
    tax_id_collection: fields.taxIdCollection ?? { enabled: false, required: "never" },
    subscription: null,
    success_url: fields.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: fields.url,
    wallet_options: null,
  };
}

export function buildCustomerDetails(
  email: string | null,
  name: string | null,
  address: Stripe.Address | null,
  phone: string | null,
): Stripe.Checkout.Session.CustomerDetails {
  return {
    address,
    business_name: null,
    email,
    individual_name: null,
    name,
    phone,
    tax_exempt: "none",
    tax_ids: [],
  };
}

export function buildLineItem(
  id: string,
  price: Stripe.Price,
  quantity: number,
  description: string,
  metadata: Record<string, string>,
): Stripe.LineItem {
  const amount = (price.unit_amount ?? 0) * quantity;
  return {
    id,
    object: "item",
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description,
    metadata,
    price,
    quantity,
  };
}
