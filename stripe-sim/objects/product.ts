import type Stripe from "stripe";

export interface ProductFields {
  name: string;
  description: string | null;
  active: boolean;
  metadata: Record<string, string>;
  images: string[];
  url: string | null;
  unitLabel: string | null;
  statementDescriptor: string | null;
}

export function buildProduct(id: string, created: number, fields: ProductFields): Stripe.Product {
  return {
    id,
    object: "product",
    active: fields.active,
    created,
    default_price: null,
    description: fields.description,
    images: fields.images,
    livemode: false,
    marketing_features: [],
    metadata: fields.metadata,
    name: fields.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: fields.statementDescriptor,
    tax_code: null,
    tax_details: null,
    type: "service",
    unit_label: fields.unitLabel,
    updated: created,
    url: fields.url,
  };
}
