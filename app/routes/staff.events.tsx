import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ActionNotice } from "../components/staff/action-notice";
import { StaffActionForm } from "../components/staff/action-form";
import { KeysetPager } from "../components/staff/keyset-pager";
import { TableSection } from "../components/staff/table-section";
import type { RouteHandle } from "../i18n/handle";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm } from "../lib/forms.server";
import { stripe } from "../lib/stripe.server";
import { formNonce, nonceField } from "../staff/audit.server";
import { requestWords, type Words } from "../i18n/words.server";
import { requireStaff, requireStaffAction, STAFF_HEADERS } from "../staff/guard.server";
import { listEvents, replayEvent } from "../staff/ledger.server";
import { parseId } from "../staff/members.server";
import { useStaffText } from "../staff/text";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t) => `${t("staff:events.title")} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

function view(e: Awaited<ReturnType<typeof listEvents>>["events"][number], f: Words) {
  return {
    id: e.id,
    eventId: e.event_id,
    type: e.event_type,
    received: f.dateTime(e.created_at),
    attempts: e.attempt_count,
    processedAt: e.processed_at ? f.dateTime(e.processed_at) : null,
    note: e.note,
    error: e.error_message,
  };
}

/** The webhook ledger: events not processed (failing or waiting) first, then processed ones. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const f = await requestWords(request);
  const url = new URL(request.url);
  const pendingBefore = parseId(url.searchParams.get("pending"));
  const doneBefore = parseId(url.searchParams.get("done"));
  const [pending, done] = await Promise.all([
    listEvents(db(), 0, pendingBefore),
    listEvents(db(), 1, doneBefore),
  ]);
  const link = (key: "pending" | "done", id: number | null) => {
    if (id === null) return null;
    const params = new URLSearchParams(url.searchParams);
    params.set(key, String(id));
    return `/staff/events?${params}`;
  };
  return data(
    {
      nonce: formNonce(),
      pending: pending.events.map((e) => view(e, f)),
      done: done.events.map((e) => view(e, f)),
      pendingNext: link("pending", pending.next),
      doneNext: link("done", done.next),
    },
    { headers: STAFF_HEADERS },
  );
}

const replaySchema = z.object({
  intent: z.literal("replay"),
  nonce: nonceField,
  event: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/, "staff:messages.chooseEvent"),
});

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireStaffAction(request);
  const parsed = parseForm(replaySchema, session.form);
  if (!parsed.ok)
    return data(
      { ok: false, message: Object.values(parsed.fieldErrors)[0] ?? null },
      { status: 400, headers: STAFF_HEADERS },
    );
  const result = await replayEvent(db(), stripe(), {
    staff: session.staff,
    eventId: parsed.data.event,
    requestKey: `${parsed.data.nonce}:replay:${parsed.data.event}`,
    now: clockNow(),
  });
  return data(
    { ok: result.ok, message: result.message },
    { status: result.ok ? 200 : result.status, headers: STAFF_HEADERS },
  );
}

type Row = ReturnType<typeof view>;

function Ledger({
  id,
  title,
  rows,
  nonce,
  nextPath,
}: {
  id: string;
  title: string;
  rows: Row[];
  nonce: string;
  nextPath: string | null;
}) {
  const tr = useStaffText();
  return (
    <TableSection
      id={id}
      title={title}
      empty={tr("staff:events.empty")}
      headers={[
        tr("staff:columns.type"),
        tr("staff:columns.received"),
        tr("staff:columns.attempts"),
        tr("staff:columns.processed"),
        tr("staff:columns.note"),
        tr("staff:columns.error"),
        tr("staff:events.replay"),
      ]}
      rows={rows}
      row={(e) => (
        <tr key={e.id}>
          <td>
            {e.type}
            <br />
            <code>{e.eventId}</code>
          </td>
          <td>{e.received}</td>
          <td>{e.attempts}</td>
          <td>{e.processedAt ?? tr("staff:common.no")}</td>
          <td>{e.note ?? "-"}</td>
          <td>{e.error ?? "-"}</td>
          <td>
            <StaffActionForm
              intent="replay"
              nonce={nonce}
              hidden={{ event: e.eventId }}
              label={tr("staff:events.replay")}
              buttonLabel={`${tr("staff:events.replay")} ${e.eventId}`}
            />
          </td>
        </tr>
      )}
    >
      <KeysetPager nextPath={nextPath} />
    </TableSection>
  );
}

export default function StaffEvents() {
  const tr = useStaffText();
  const { nonce, pending, done, pendingNext, doneNext } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>{tr("staff:events.title")}</h1>
      <ActionNotice result={result} />
      <Ledger
        id="pending"
        title={tr("staff:events.pending")}
        rows={pending}
        nonce={nonce}
        nextPath={pendingNext}
      />
      <Ledger
        id="done"
        title={tr("staff:events.done")}
        rows={done}
        nonce={nonce}
        nextPath={doneNext}
      />
    </>
  );
}
