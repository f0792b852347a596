import type { Resource } from "i18next";
import enAuth from "../locales/en/auth.json";
import enBilling from "../locales/en/billing.json";
import enCommon from "../locales/en/common.json";
import enDashboard from "../locales/en/dashboard.json";
import enEmails from "../locales/en/emails.json";
import enPayment from "../locales/en/payment.json";
import enStaff from "../locales/en/staff.json";
import enTalents from "../locales/en/talents.json";
import frAuth from "../locales/fr/auth.json";
import frBilling from "../locales/fr/billing.json";
import frCommon from "../locales/fr/common.json";
import frDashboard from "../locales/fr/dashboard.json";
import frEmails from "../locales/fr/emails.json";
import frPayment from "../locales/fr/payment.json";
import frStaff from "../locales/fr/staff.json";
import frTalents from "../locales/fr/talents.json";
import type { Language, Namespace } from "./config";

/**
 * Every catalog, bundled into the server (imported statically so the same code runs under
 * Vite, Vitest and tsx). The browser never imports this file: it loads one namespace at a time
 * (entry.client.tsx).
 */
export const resources = {
  fr: {
    common: frCommon,
    auth: frAuth,
    payment: frPayment,
    billing: frBilling,
    dashboard: frDashboard,
    talents: frTalents,
    emails: frEmails,
    staff: frStaff,
  },
  en: {
    common: enCommon,
    auth: enAuth,
    payment: enPayment,
    billing: enBilling,
    dashboard: enDashboard,
    talents: enTalents,
    emails: enEmails,
    staff: enStaff,
  },
} satisfies Record<Language, Record<Namespace, object>> & Resource;
