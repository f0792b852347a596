/**
 * Decodes Stripe's form encoding: `metadata[k]=v`, `line_items[0][price]=x`, `expand[]=a`.
 * Objects whose keys are all indexes become arrays, ordered by index, as Stripe's parser does.
 */
export class MalformedParamsError extends Error {
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

type Tree = { [key: string]: Tree | string };

export function parseForm(text: string): Record<string, unknown> {
  const root: Tree = Object.create(null) as Tree;
  if (text.trim() === "") return {};
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? "" : pair.slice(eq + 1);
    const key = decode(rawKey);
    const value = decode(rawValue);
    assign(root, splitKey(key), value, key);
  }
  return toPlain(root) as Record<string, unknown>;
}

/** Query strings use the same notation; URLSearchParams would flatten it. */
export function parseQuery(search: string): Record<string, unknown> {
  return parseForm(search.startsWith("?") ? search.slice(1) : search);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    throw new MalformedParamsError(
      `Invalid request body: could not decode '${part.slice(0, 40)}'.`,
    );
  }
}

function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  const rest = key.slice(open);
  const matcher = /\[([^\]]*)\]/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = matcher.exec(rest)) !== null) {
    segments.push(match[1] ?? "");
    consumed = matcher.lastIndex;
  }
  if (consumed !== rest.length)
    throw new MalformedParamsError(`Invalid parameter name: ${key}`, key);
  return segments;
}

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

function assign(root: Tree, segments: string[], value: string, fullKey: string): void {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    let segment = segments[i] ?? "";
    if (FORBIDDEN.has(segment))
      throw new MalformedParamsError(`Invalid parameter name: ${fullKey}`, fullKey);
    if (segment === "") segment = String(Object.keys(node).length);
    const last = i === segments.length - 1;
    const existing = node[segment];
    if (last) {
      if (typeof existing === "object") throw conflict(fullKey);
      node[segment] = value;
      return;
    }
    if (existing === undefined) {
      const child: Tree = Object.create(null) as Tree;
      node[segment] = child;
      node = child;
    } else if (typeof existing === "string") {
      throw conflict(fullKey);
    } else {
      node = existing;
    }
  }
}

function conflict(key: string): MalformedParamsError {
  return new MalformedParamsError(
    `Invalid parameter: ${key} is given both as a value and as a hash.`,
    key,
  );
}

function toPlain(node: Tree | string): unknown {
  if (typeof node === "string") return node;
  const keys = Object.keys(node);
  const isArray = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
  if (isArray) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => toPlain(node[k] as Tree | string));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = toPlain(node[k] as Tree | string);
  return out;
}
