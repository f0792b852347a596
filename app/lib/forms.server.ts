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

/** Shown when a POST body cannot be read as a form (JSON, a broken multipart body, no body). */
export const UNREADABLE_FORM = "We could not read the form. Please fill it in again on this page and submit it.";

const FORM_CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * The request's body as form data, or null when it is not a form: another content type, no
 * content type, or a body that does not parse. request.formData() throws a TypeError for all
 * of these, which would otherwise surface as a 500 for what is a bad request.
 */
export async function readFormData(request: Request): Promise<FormData | null> {
  const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!FORM_CONTENT_TYPES.includes(contentType)) return null;
  try {
    return await request.formData();
  } catch {
    return null;
  }
}
