import { createElement, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { createInstance, type i18n as I18n, type Resource } from "i18next";
import {
  createStaticHandler,
  createStaticRouter,
  StaticRouterProvider,
} from "react-router-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { i18nOptions, LANGUAGES, type Language } from "../../app/i18n/config";
import { resources } from "../../app/i18n/resources.server";
import * as layout from "../../app/routes/staff";
import * as overview from "../../app/routes/staff._index";
import * as audit from "../../app/routes/staff.audit";
import * as email from "../../app/routes/staff.emails.$id";
import * as emails from "../../app/routes/staff.emails._index";
import * as events from "../../app/routes/staff.events";
import * as member from "../../app/routes/staff.members.$id";
import * as members from "../../app/routes/staff.members._index";
import * as payments from "../../app/routes/staff.payments._index";
import * as reconciliation from "../../app/routes/staff.reconciliation";
import { INVOICE_STATUSES } from "../../app/staff/constants";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";
import { createUser } from "../support/factories";
import { args, getRequest, run } from "../support/requests";
import { paidCustomer, staffMember } from "../support/staff";

// Every /staff page rendered on the server in French and in English, with rows in every list:
// no key is missing from either catalog, and no heading, label, column or button is left in
// words that do not come from a catalog.

let app: TestAppWithStripe;
let staff: Awaited<ReturnType<typeof staffMember>>;
let memberId: number;
let emailId: number;
const MEMBER_NAME = "Amina Render";
const EMAIL_SUBJECT = "Receipt for the render";
// A payment of 3,500 MAD on 5 December 2026, and an audit entry and an event at 23:30 UTC that
// day, which is already 6 December at 00:30 in Casablanca.
const PAID_AT = "2026-12-05T10:00:00.000Z";
const LATE_AT = "2026-12-05T23:30:00.000Z";

beforeAll(async () => {
  app = await setupTestAppWithStripe();
  const db = app.db;
  staff = await staffMember(db);
  const user = await createUser(db, { name: MEMBER_NAME, subscription_status: "ACTIVE" });
  memberId = user.id;
  const now = new Date().toISOString();
  await paidCustomer(db, user, "render");
  await db
    .insertInto("payments")
    .values({
      user_id: user.id,
      plan: "talent_annual_membership",
      amount: 350000,
      currency: "mad",
      status: "paid",
      idempotency_key: "paid-render-large",
      stripe_checkout_session_id: "cs_render_large",
      stripe_payment_intent_id: "pi_render_large",
      stripe_customer_id: "cus_render",
      paid_at: PAID_AT,
      created_at: PAID_AT,
      updated_at: PAID_AT,
    })
    .execute();
  await db
    .insertInto("stripe_webhook_events")
    .values({
      event_id: "evt_render_late",
      event_type: "charge.refunded",
      processed: 1,
      stripe_customer_id: "cus_render",
      created_at: LATE_AT,
      updated_at: LATE_AT,
    })
    .execute();
  for (const [i, processed] of [0, 1].entries())
    await db
      .insertInto("stripe_webhook_events")
      .values({
        event_id: `evt_render_${i}`,
        event_type: "payment_intent.succeeded",
        processed,
        error_message: processed ? null : "boom",
        stripe_customer_id: "cus_render",
        created_at: now,
        updated_at: now,
      })
      .execute();
  for (const status of ["failed", "pending", "sent"] as const) {
    const row = await db
      .insertInto("email_outbox")
      .values({
        dedupe_key: `render-${status}`,
        to_email: user.email,
        subject: EMAIL_SUBJECT,
        html: "<p>Hello</p>",
        text: "Hello",
        status,
        attempts: 1,
        next_attempt_at: now,
        created_at: now,
        sent_at: status === "sent" ? now : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    emailId = row.id;
  }
  await db
    .insertInto("complimentary_access")
    .values({
      user_id: user.id,
      starts_at: now,
      ends_at: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      reason: "Partner",
      granted_by: staff.user.id,
      created_at: now,
    })
    .execute();
  await db
    .insertInto("staff_audit_log")
    .values({
      at: now,
      staff_user_id: staff.user.id,
      staff_email: staff.user.email,
      action: "complimentary",
      target_user_id: user.id,
      reason: "Partner",
      outcome: "done",
    })
    .execute();
  await db
    .insertInto("staff_audit_log")
    .values({
      at: LATE_AT,
      staff_user_id: staff.user.id,
      staff_email: staff.user.email,
      action: "refund",
      target_user_id: user.id,
      reason: "Late refund",
      outcome: "done",
    })
    .execute();
});
afterAll(async () => {
  await app.close();
});

interface Page {
  path: string;
  module: { default: ComponentType; loader: (a: ReturnType<typeof args>) => Promise<unknown> };
  params?: () => Record<string, string>;
}

const PAGES: Page[] = [
  { path: "/staff", module: overview as Page["module"] },
  { path: "/staff/members", module: members as Page["module"] },
  {
    path: "/staff/members/:id",
    module: member as Page["module"],
    params: () => ({ id: String(memberId) }),
  },
  { path: "/staff/payments", module: payments as Page["module"] },
  { path: "/staff/events", module: events as Page["module"] },
  { path: "/staff/emails", module: emails as Page["module"] },
  {
    path: "/staff/emails/:id",
    module: email as Page["module"],
    params: () => ({ id: String(emailId) }),
  },
  { path: "/staff/reconciliation", module: reconciliation as Page["module"] },
  { path: "/staff/audit", module: audit as Page["module"] },
];

/** The catalogs in `language`; with `mark`, every text wrapped in [[ ]] so its origin shows. */
function i18nIn(language: Language, missing: string[], mark = false): I18n {
  const wrap = (node: unknown): unknown =>
    typeof node === "string"
      ? `[[${node}]]`
      : Object.fromEntries(Object.entries(node as object).map(([k, v]) => [k, wrap(v)]));
  const instance = createInstance();
  void instance.init({
    ...i18nOptions,
    resources: {
      [language]: Object.fromEntries(
        Object.entries(resources[language]).map(([ns, catalog]) => [
          ns,
          mark ? wrap(catalog) : catalog,
        ]),
      ),
    } as Resource,
    lng: language,
    initImmediate: false,
    saveMissing: true,
    missingKeyHandler: (_languages: readonly string[], ns: string, key: string) =>
      missing.push(`${ns}:${key}`),
  });
  return instance;
}

/**
 * Renders the layout and the page at `path` as the server does, with the loaders' data; the
 * requests ask for the page in `i18n`'s language, as the language switcher's link does.
 */
async function render(page: Page, i18n: I18n): Promise<string> {
  const params = page.params?.() ?? {};
  const url = page.path.replace(":id", params.id ?? "");
  const asked = `${url}?lng=${i18n.language}`;
  const layoutData = await run(() => layout.loader(args(getRequest(asked, staff.cookie), params)));
  const pageData = await run(() =>
    page.module.loader(args(getRequest(asked, staff.cookie), params)),
  );
  expect(pageData.status, url).toBe(200);
  const routes = [
    {
      path: "/staff",
      loader: () => layoutData.data,
      Component: layout.default,
      children: [
        {
          path: page.path === "/staff" ? undefined : page.path,
          index: page.path === "/staff" ? (true as const) : undefined,
          loader: () => pageData.data,
          Component: page.module.default,
        },
      ],
    },
  ];
  const handler = createStaticHandler(routes as Parameters<typeof createStaticHandler>[0]);
  const context = await handler.query(new Request(`http://localhost${url}`));
  if (context instanceof Response) throw new Error(`${url} answered ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToString(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(StaticRouterProvider, { router, context, hydrate: false }),
    ),
  );
}

/** The text of every heading, label, column, term, button, option and legend of the page. */
function structuralTexts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(
    /<(h2|th|dt|label|button|option|legend|summary)\b[^>]*>([\s\S]*?)<\/\1>/g,
  )) {
    const text = m[2]!
      .replace(/<[^>]+>/g, " ")
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ")
      .trim();
    if (text) out.push(text);
  }
  return out;
}

describe("every staff page in French and English", () => {
  for (const page of PAGES)
    for (const language of LANGUAGES)
      it(`${page.path} in ${language}: no missing key`, async () => {
        const missing: string[] = [];
        const html = await render(page, i18nIn(language, missing));
        expect(missing).toEqual([]);
        expect(html).toContain("<h1>");
        expect(html).not.toMatch(/\b(staff|common):[a-z]+\./i);
      });

  for (const page of PAGES)
    it(`${page.path}: every heading, label, column and button comes from a catalog`, async () => {
      const missing: string[] = [];
      const html = await render(page, i18nIn("en", missing, true));
      // words that are data or names, not the interface's words
      const data = new Set(["Stripe", "Id", "MAD", ...INVOICE_STATUSES]);
      const loose = structuralTexts(html)
        .map((text) => text.replace(/\[\[[^\]]*\]\]/g, "").trim())
        .filter((rest) => /[A-Za-z]{2,}/.test(rest) && !data.has(rest));
      expect(loose).toEqual([]);
    });
});

// Amounts from minor units with their currency, days and times in Casablanca, each as the
// page's language writes them (Intl's French puts a narrow no-break space between thousands
// and a no-break space before the code).
const WRITTEN: Record<
  Language,
  { money: string; date: string; dateTime: string; month: string; shortMonth: string }
> = {
  fr: {
    money: "3\u202f500,00\u00a0MAD",
    date: "5 d\u00e9cembre 2026",
    dateTime: "6 d\u00e9cembre 2026 \u00e0 00:30",
    month: "d\u00e9cembre 2026",
    shortMonth: "d\u00e9c. 26",
  },
  en: {
    money: "MAD\u00a03,500.00",
    date: "5 December 2026",
    dateTime: "6 December 2026 at 00:30",
    month: "December 2026",
    shortMonth: "Dec 26",
  },
};

/** The text a reader sees: tags dropped, React's escapes undone. */
function visibleText(html: string): string {
  return html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

describe("amounts and dates in the page's language, in Casablanca", () => {
  const page = (path: string) => PAGES.find((p) => p.path === path)!;
  for (const language of LANGUAGES) {
    const written = WRITTEN[language];
    const rendered = async (path: string) =>
      visibleText(await render(page(path), i18nIn(language, [])));

    it(`a member's page in ${language}: payment amount and day, audit and event times`, async () => {
      const text = await rendered("/staff/members/:id");
      expect(text).toContain(written.money);
      expect(text).toContain(written.date);
      // the audit entry and the event at 23:30 UTC are already the next day in Casablanca
      expect(text).toContain(written.dateTime);
      expect(text).not.toContain("2026-12-05");
      expect(text).not.toMatch(/\b3500 MAD\b/);
    });

    it(`the payments list in ${language}`, async () => {
      const text = await rendered("/staff/payments");
      expect(text).toContain(written.money);
      expect(text).toContain(written.date);
      expect(text).not.toContain("2026-12-05");
    });

    it(`the audit log and the events in ${language}, times in Casablanca`, async () => {
      expect(await rendered("/staff/audit")).toContain(written.dateTime);
      expect(await rendered("/staff/events")).toContain(written.dateTime);
    });

    it(`the overview's months in ${language}`, async () => {
      const text = await rendered("/staff");
      expect(text).toContain(written.month);
      expect(text).toContain(written.shortMonth);
      expect(text).not.toContain("2026-12:");
    });
  }
});
