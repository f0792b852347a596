import type { LoaderFunctionArgs } from "@remix-run/node";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { requireStaff, STAFF_CACHE_CONTROL } from "../staff/guard.server";
import { moneyCsvStream, parsePaymentFilters } from "../staff/payments-list.server";

/**
 * /staff/payments.csv: the rows of /staff/payments's filters for the accountant, streamed in
 * keyset batches. With ?kind= only that kind; without it, payments then invoices.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const url = new URL(request.url);
  const { filters } = parsePaymentFilters(url);
  const kinds = url.searchParams.has("kind") ? [filters.kind] : (["payments", "invoices"] as const);
  const name = `payments-${clockNow().toISOString().slice(0, 10)}.csv`;
  return new Response(moneyCsvStream(db(), filters, [...kinds]), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": STAFF_CACHE_CONTROL,
    },
  });
}
