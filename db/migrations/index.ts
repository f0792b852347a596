import type { Migration } from "kysely";
import * as initial from "./20261121_0001_initial";
import * as outboxTemplates from "./20261122_0002_outbox_templates_and_retention";
import * as talentHeadline from "./20261122_0003_talent_headline";
import * as billing from "./20261122_0004_billing";
import * as sharedState from "./20261122_0012_shared_state";
import * as subscriptionReadAt from "./20261206_0020_subscription_read_at";
import * as refundsDisputesConflicts from "./20261206_0030_refunds_disputes_conflicts";
import * as paymentRefundedStatus from "./20261206_0031_payment_refunded_status";
import * as metricsIndexes from "./20261206_0050_metrics_indexes";
import * as openDisputesIndex from "./20261206_0051_open_disputes_index";
import * as memberView from "./20261206_0060_member_view";
import * as paymentInvoice from "./20261206_0061_payment_invoice";
import * as userLocale from "./20261206_0070_user_locale";
import * as staffConsole from "./20261206_0080_staff_console";
import * as staffConsoleOverview from "./20261206_0081_staff_console_overview";
import * as revenueMonths from "./20261206_0082_revenue_months";
import * as ledgerSubjects from "./20261206_0083_ledger_subjects";
import * as outboxFailedIndex from "./20261206_0084_outbox_failed_index";

// Listed statically (not read from disk) so the same migrations run under tsx, Vitest and the
// production server bundle. Names sort in the order they apply.
export const migrations: Record<string, Migration> = {
  "20261121_0001_initial": initial,
  "20261122_0002_outbox_templates_and_retention": outboxTemplates,
  "20261122_0003_talent_headline": talentHeadline,
  "20261122_0004_billing": billing,
  "20261122_0012_shared_state": sharedState,
  "20261206_0020_subscription_read_at": subscriptionReadAt,
  "20261206_0030_refunds_disputes_conflicts": refundsDisputesConflicts,
  "20261206_0031_payment_refunded_status": paymentRefundedStatus,
  "20261206_0050_metrics_indexes": metricsIndexes,
  "20261206_0051_open_disputes_index": openDisputesIndex,
  "20261206_0060_member_view": memberView,
  "20261206_0061_payment_invoice": paymentInvoice,
  "20261206_0070_user_locale": userLocale,
  "20261206_0080_staff_console": staffConsole,
  "20261206_0081_staff_console_overview": staffConsoleOverview,
  "20261206_0082_revenue_months": revenueMonths,
  "20261206_0083_ledger_subjects": ledgerSubjects,
  "20261206_0084_outbox_failed_index": outboxFailedIndex,
};
