import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { StatusButton } from "../components/ui/status-button";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm } from "../lib/forms.server";
import { stripe } from "../lib/stripe.server";
import { formNonce, nonceField } from "../staff/audit.server";
import { requireStaff, requireStaffAction, STAFF_HEADERS } from "../staff/guard.server";
import { listEvents, replayEvent } from "../staff/ledger.server";
import { parseId } from "../staff/members.server";
import { useStaffText } from "../staff/text";

export const headers: HeadersFunction = () => STAFF_HEADERS;

function view(e: Awaited<ReturnType<typeof listEvents>>["events"][number]) {
  return {
    id: e.id,
    eventId: e.event_id,
    type: e.event_type,
    received: e.created_at.slice(0, 19).replace("T", " "),
    attempts: e.attempt_count,
    processedAt: e.processed_at?.slice(0, 19).replace("T", " ") ?? null,
    note: e.note,
    error: e.error_message,
  };
}

/** The webhook ledger: events not processed (failing or waiting) first, then processed ones. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
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
      pending: pending.events.map(view),
      done: done.events.map(view),
      pendingNext: link("pending", pending.next),
      doneNext: link("done", done.next),
    },
    { headers: STAFF_HEADERS },
  );
}

const replaySchema = z.object({
  intent: z.literal("replay"),
  nonce: nonceField,
  event: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/, "Choose an event"),
});

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireStaffAction(request);
  const parsed = parseForm(replaySchema, session.form);
  if (!parsed.ok)
    return data(
      { ok: false, message: Object.values(parsed.fieldErrors)[0] ?? "" },
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

function Ledger({ rows, nonce }: { rows: Row[]; nonce: string }) {
  const tr = useStaffText();
  if (rows.length === 0) return <p className="muted">{tr("staff:events.empty")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col">Received</th>
          <th scope="col">Attempts</th>
          <th scope="col">Processed</th>
          <th scope="col">Note</th>
          <th scope="col">Error</th>
          <th scope="col">{tr("staff:events.replay")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => (
          <tr key={e.id}>
            <td>
              {e.type}
              <br />
              <code>{e.eventId}</code>
            </td>
            <td>{e.received}</td>
            <td>{e.attempts}</td>
            <td>{e.processedAt ?? "no"}</td>
            <td>{e.note ?? "-"}</td>
            <td>{e.error ?? "-"}</td>
            <td>
              <Form method="post">
                <input type="hidden" name="intent" value="replay" />
                <input type="hidden" name="nonce" value={nonce} />
                <input type="hidden" name="event" value={e.eventId} />
                <StatusButton aria-label={`${tr("staff:events.replay")} ${e.eventId}`}>
                  {tr("staff:events.replay")}
                </StatusButton>
              </Form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function StaffEvents() {
  const tr = useStaffText();
  const { nonce, pending, done, pendingNext, doneNext } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>{tr("staff:events.title")}</h1>
      {result?.message ? (
        <p className={`notice ${result.ok ? "good" : "bad"}`} role={result.ok ? "status" : "alert"}>
          {result.message}
        </p>
      ) : null}
      <section className="card" aria-labelledby="pending-heading">
        <h2 id="pending-heading">Failed or not processed</h2>
        <Ledger rows={pending} nonce={nonce} />
        {pendingNext ? <Link to={pendingNext}>{tr("staff:common.next")}</Link> : null}
      </section>
      <section className="card" aria-labelledby="done-heading">
        <h2 id="done-heading">Processed</h2>
        <Ledger rows={done} nonce={nonce} />
        {doneNext ? <Link to={doneNext}>{tr("staff:common.next")}</Link> : null}
      </section>
    </>
  );
}
