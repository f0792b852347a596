import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/**
 * Characters that hide or reorder what a text shows to others: control characters, bidi
 * overrides and isolates, zero-width and other format characters, line and paragraph separators.
 */
export const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

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
export function parseForm<S extends z.ZodTypeAny>(
  schema: S,
  form: FormData,
): FormResult<z.output<S>> {
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
export const UNREADABLE_FORM = "common:messages.unreadableForm";
export const FORM_TOO_LARGE = "common:messages.formTooLarge";

/** Our forms are a few short fields; nothing larger is read (see readForm). */
export const MAX_FORM_BYTES = 16 * 1024;

const FORM_CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

export type FormRead =
  { ok: true; form: FormData } | { ok: false; status: 400 | 413; formError: string };

const unreadable: FormRead = { ok: false, status: 400, formError: UNREADABLE_FORM };
const tooLarge: FormRead = { ok: false, status: 413, formError: FORM_TOO_LARGE };

/** How much of an oversized body is read and dropped so that its client can read the 413. */
export const MAX_DRAIN_BYTES = 1024 * 1024;

/**
 * Answers 413 to a body that grew past the limit while streaming. Cancelling the stream would
 * destroy the socket at once, and a client still sending (chunked encoding, a false
 * Content-Length) would see the connection reset instead of the answer. So the rest is read
 * and dropped, chunk by chunk (nothing is kept), up to MAX_DRAIN_BYTES; a body larger still is
 * cut off as before.
 */
async function drainThenRefuse(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  alreadyRead: number,
): Promise<FormRead> {
  let size = alreadyRead;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return tooLarge;
      size += value.byteLength;
      if (size > MAX_DRAIN_BYTES) break;
    }
  } catch {
    return tooLarge;
  }
  await reader.cancel().catch(() => undefined);
  return tooLarge;
}

/**
 * The request's body as form data, reading at most `maxBytes`: a larger Content-Length is
 * refused before reading, and a body that grows past the limit while streaming (no or a false
 * Content-Length, chunked encoding) is abandoned, so a huge upload never sits in memory. Another
 * content type, no body, or a body that does not parse is a 400 rather than the TypeError
 * request.formData() throws.
 */
export async function readForm(
  request: Request,
  maxBytes: number = MAX_FORM_BYTES,
): Promise<FormRead> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!FORM_CONTENT_TYPES.includes(contentType.split(";")[0]?.trim().toLowerCase() ?? ""))
    return unreadable;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return tooLarge;
  if (!request.body) return unreadable;

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return await drainThenRefuse(reader, size);
      chunks.push(value);
    }
  } catch {
    return unreadable;
  }
  try {
    const form = await new Response(Buffer.concat(chunks), {
      headers: { "Content-Type": contentType },
    }).formData();
    return { ok: true, form };
  } catch {
    return unreadable;
  }
}
