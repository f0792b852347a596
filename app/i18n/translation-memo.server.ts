import type { i18n as I18n } from "i18next";

/**
 * Past this many remembered texts an instance forgets them all and starts again. A page has at
 * most a few hundred fixed texts; what fills the memo is texts with values (amounts, dates,
 * names), so the bound keeps each instance's memo under about half a megabyte.
 */
export const TRANSLATION_MEMO_LIMIT = 1_000;

/**
 * Makes `instance.t` remember its answers. On the server the catalogs never change and every
 * formatter is a pure function of its value, so the same key with the same options is always
 * the same text; i18next still parses the key, resolves it and interpolates on every call,
 * about half a millisecond of the payment page's CPU (decision 0025). Every translate
 * function of the instance goes through `instance.t`: getFixedT's, react-i18next's
 * useTranslation and Trans.
 *
 * Only strings are kept, and only for calls whose options hold nothing but strings, numbers,
 * booleans and arrays or plain objects of those (a Date, a function or a React element passes
 * straight through). A key the catalogs lack is never kept, so each use of it is still
 * reported: the caller's missing-key handler calls `missed()` while the text is resolved.
 */
export function memoizeTranslations(instance: I18n): { missed(): void } {
  const translate = instance.t.bind(instance) as unknown as (...args: unknown[]) => unknown;
  const known = new Map<string, string>();
  let missing = false;
  const remembering = (...args: unknown[]): unknown => {
    const memoKey = args.length <= 2 ? translationKey(args[0], args[1]) : undefined;
    if (memoKey === undefined) return translate(...args);
    const text = known.get(memoKey);
    if (text !== undefined) return text;
    missing = false;
    const result = translate(...args);
    if (typeof result === "string" && !missing) {
      if (known.size >= TRANSLATION_MEMO_LIMIT) known.clear();
      known.set(memoKey, result);
    }
    return result;
  };
  instance.t = remembering as unknown as I18n["t"];
  return {
    missed() {
      missing = true;
    },
  };
}

/** The memo's key for a call, or undefined when its options are not plain data. */
function translationKey(key: unknown, options: unknown): string | undefined {
  if (typeof key !== "string" && !(Array.isArray(key) && key.every(isPrimitive))) return;
  if (options !== undefined && !isPlainData(options, 2)) return;
  return JSON.stringify([key, options ?? null]);
}

function isPrimitive(value: unknown): boolean {
  const type = typeof value;
  return (
    value === null ||
    value === undefined ||
    type === "string" ||
    type === "boolean" ||
    (type === "number" && Number.isFinite(value))
  );
}

function isPlainData(value: unknown, depth: number): boolean {
  if (isPrimitive(value)) return true;
  if (depth === 0 || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth - 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as object).every((item) => isPlainData(item, depth - 1));
}
