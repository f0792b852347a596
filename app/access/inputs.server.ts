import { z } from "zod";
import { INVISIBLE_OR_CONTROL } from "../lib/forms.server";
import { MAX_HEADLINE_LENGTH, MAX_SEARCH_LENGTH } from "./limits";

// What the directory and the headline form accept from a client: bounded, typed, never a 500.

export const headlineSchema = z.object({
  // An empty headline clears it.
  headline: z
    .string()
    .default("")
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        // The catalogs write the limit out (140): a field error is a key without values.
        .max(MAX_HEADLINE_LENGTH, "dashboard:errors.headlineTooLong")
        .refine((v) => !INVISIBLE_OR_CONTROL.test(v), "dashboard:errors.headlinePlainText"),
    )
    .transform((v) => (v === "" ? null : v)),
});

/** A route's :id as a user id, or null for anything but a plain positive integer. */
export function parseId(value: string | undefined): number | null {
  if (value === undefined || !/^[1-9][0-9]{0,14}$/.test(value)) return null;
  return Number(value);
}

export interface DirectoryQuery {
  /** 1-based; 0 for a page number out of range (an empty page) */
  page: number;
  search: string;
  /** set when the search was too long; the directory then lists nothing */
  searchError: string | null;
}

/**
 * ?page= and ?q= of /talents. No page (or text that is no page number) is page 1; a number out
 * of range gives an empty page; a search longer than MAX_SEARCH_LENGTH is refused.
 */
export function parseDirectoryQuery(url: URL): DirectoryQuery {
  const rawPage = url.searchParams.get("page")?.trim() ?? "";
  let page = 1;
  if (/^-?[0-9]+$/.test(rawPage)) {
    const n = Number(rawPage);
    page = Number.isSafeInteger(n) && n >= 1 ? n : 0;
  }
  const search = (url.searchParams.get("q") ?? "").trim();
  if (search.length > MAX_SEARCH_LENGTH) {
    return {
      page,
      search: search.slice(0, MAX_SEARCH_LENGTH),
      searchError: "talents:directory.searchTooLong",
    };
  }
  return { page, search, searchError: null };
}
