/**
 * Fields Stripe leaves out unless asked for with expand[] ("includable"): an invoice's
 * `payments` and `confirmation_secret`. The store keeps them; answers and events show them only
 * when expanded.
 */
export const INCLUDABLE: Record<string, ReadonlyArray<string>> = {
  invoice: ["payments", "confirmation_secret"],
};

export function stripIncludables<T>(value: T, paths: ReadonlyArray<string>): T {
  const walk = (node: unknown, prefix: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, prefix));
    if (node === null || typeof node !== "object") return node;
    const record = node as Record<string, unknown>;
    const hidden = INCLUDABLE[String(record.object)] ?? [];
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(record)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (hidden.includes(key) && !paths.some((p) => p === path || p.startsWith(`${path}.`)))
        continue;
      out[key] = walk(child, path);
    }
    return out;
  };
  return walk(value, "") as T;
}
