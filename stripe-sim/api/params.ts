import { z } from "zod";
import { invalidRequest, missingParam, unknownParam } from "../http/errors.js";
import type { StripeApiError } from "../http/errors.js";

/**
 * Parameter schemas for form-encoded input. Every object is strict so an unknown key is
 * answered the way Stripe does ("Received unknown parameter: x"), which catches typos in app code.
 */
export const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

export const str = z.string({ invalid_type_error: "Invalid string" });

/** Digits beyond 2^53 would silently round (99999999999999999999 -> 1e20), so they stay a string and fail. */
export const int = z.preprocess(
  (v) =>
    typeof v === "string" && /^-?\d+$/.test(v.trim()) && Number.isSafeInteger(Number(v))
      ? Number(v)
      : v,
  z.number({ invalid_type_error: "Invalid integer" }).int("Invalid integer"),
);

export const bool = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean({ invalid_type_error: "Invalid boolean" }),
);

/** Stripe unsets a metadata key when its value is the empty string. */
export const metadata = z.record(z.string({ invalid_type_error: "Invalid metadata value" }));

export const stringList = z.array(str);

export const address = obj({
  city: str.optional(),
  country: str.optional(),
  line1: str.optional(),
  line2: str.optional(),
  postal_code: str.optional(),
  state: str.optional(),
});

export const shipping = obj({
  name: str,
  address,
  phone: str.optional(),
  carrier: str.optional(),
  tracking_number: str.optional(),
});

/** `expand` is accepted by every endpoint. */
export const withExpand = <T extends z.ZodRawShape>(shape: T) =>
  obj({ ...shape, expand: stringList.optional() });

export const listShape = {
  limit: int.optional(),
  starting_after: str.optional(),
  ending_before: str.optional(),
  created: z
    .union([
      int,
      obj({ gt: int.optional(), gte: int.optional(), lt: int.optional(), lte: int.optional() }),
    ])
    .optional(),
};

export function formatParam(path: ReadonlyArray<string | number>): string {
  const [head, ...rest] = path;
  return `${String(head ?? "")}${rest.map((p) => `[${String(p)}]`).join("")}`;
}

function valueAt(input: unknown, path: ReadonlyArray<string | number>): unknown {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function toStripeError(issue: z.ZodIssue, input: unknown): StripeApiError {
  const param = formatParam(issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return unknownParam(formatParam([...issue.path, issue.keys[0] ?? ""]));
    case "invalid_type":
      if (issue.received === "undefined") return missingParam(param);
      if (issue.expected === "object" || issue.expected === "array") {
        return invalidRequest(`Invalid ${issue.expected === "object" ? "hash" : "array"}`, param);
      }
      return invalidRequest(
        `${issue.message}: ${JSON.stringify(valueAt(input, issue.path))}`,
        param,
      );
    case "invalid_enum_value":
      return invalidRequest(
        `Invalid ${param}: must be one of ${issue.options.map(String).join(", ")}`,
        param,
      );
    case "custom":
      // Refinements carry Stripe's own wording (and code, if any) for the param.
      return invalidRequest(
        issue.message,
        param,
        (issue.params as { code?: string } | undefined)?.code,
      );
    case "invalid_union": {
      const inner = issue.unionErrors[0]?.issues[0];
      return inner
        ? toStripeError(inner, input)
        : invalidRequest(`Invalid value for ${param}.`, param);
    }
    default:
      return invalidRequest(`Invalid ${param}: ${issue.message}`, param);
  }
}

export function parseParams<S extends z.ZodTypeAny>(
  schema: S,
  input: Record<string, unknown>,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.output<S>;
  const issue = result.error.issues[0];
  throw issue ? toStripeError(issue, input) : invalidRequest("Invalid request parameters.");
}

/** Applies Stripe's metadata update rule: "" removes the key. */
export function mergeMetadata(
  current: Record<string, string>,
  patch: Record<string, string> | undefined,
): Record<string, string> {
  if (!patch) return current;
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === "") delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Empty strings in form input mean "unset" for nullable fields. */
export function orNull(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

/**
 * Cards everywhere, and SEPA Direct Debit where the caller says so (Checkout Sessions). Newer API
 * versions name the choice `allowed_payment_method_types` / `excluded_payment_method_types`;
 * older ones (and the Stripe CLI) send `payment_method_types`.
 */
export function checkPaymentMethodTypes(
  p: {
    payment_method_types?: string[] | undefined;
    allowed_payment_method_types?: string[] | undefined;
    excluded_payment_method_types?: string[] | undefined;
  },
  supported: ReadonlyArray<string> = ["card"],
): void {
  const unsupported = (p.payment_method_types ?? []).find((type) => !supported.includes(type));
  if (unsupported) {
    const list = supported.map((type) => `\`${type}\``).join(" and ");
    throw invalidRequest(
      `The payment method type \`${unsupported}\` is not supported by stripe-sim; only ${list} ${supported.length > 1 ? "are" : "is"}.`,
      "payment_method_types",
    );
  }
  if (p.allowed_payment_method_types && !p.allowed_payment_method_types.includes("card")) {
    throw invalidRequest(
      "stripe-sim only supports cards: allowed_payment_method_types must include `card`.",
      "allowed_payment_method_types",
    );
  }
  if (p.excluded_payment_method_types?.includes("card")) {
    throw invalidRequest(
      "stripe-sim only supports cards: `card` cannot be excluded.",
      "excluded_payment_method_types",
    );
  }
}
