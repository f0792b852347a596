import type { TFunction } from "i18next";
import type { Namespace } from "./config";

/**
 * What a route declares in `export const handle`: the catalog namespaces its page uses (the
 * browser loads only these, plus common), and the document title, written with them.
 */
export interface RouteHandle {
  i18n: Namespace[];
  title?: (t: TFunction, data: unknown) => string;
}

export function isRouteHandle(handle: unknown): handle is RouteHandle {
  return typeof handle === "object" && handle !== null && "i18n" in handle;
}
