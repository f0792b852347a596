import type { z } from "zod";

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

/** The text values of a form, first value a name; files become "". */
export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (!(name in values)) values[name] = typeof value === "string" ? value : "";
  }
  return values;
}

/**
 * Validates a form with a zod object schema. Fields the schema does not name are dropped, so a
 * client cannot slip in a price or a plan. Each failing field gets its first message.
 */
export function parseForm<S extends z.ZodTypeAny>(schema: S, form: FormData): FormResult<z.output<S>> {
  const result = schema.safeParse(formValues(form));
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : "form";
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}
