import type { LoaderFunctionArgs } from "@remix-run/node";
import { htmlPage } from "../email/dev-mailbox-page.server";
import { findDevMailboxMessage } from "../email/dev-mailbox.server";
import { devMailboxEnabled } from "../email/transport.server";
import { db } from "../lib/db.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = Number(params.id);
  if (!devMailboxEnabled(request) || !Number.isSafeInteger(id))
    return new Response("Not found", { status: 404 });
  const message = await findDevMailboxMessage(db(), id);
  if (!message) return new Response("Not found", { status: 404 });

  return htmlPage(
    message.subject,
    <>
      <p>
        <a href="/dev/mailbox">Back to the mailbox</a>
      </p>
      <h1>{message.subject}</h1>
      <p className="muted">
        To {message.to_email}, {message.sent_at ?? message.created_at}, {message.status}
      </p>
      <h2>HTML</h2>
      {/* sandbox without allow-scripts: the email's HTML cannot run code or reach this page */}
      <iframe title="HTML body" sandbox="" srcDoc={message.html} />
      <h2>Text</h2>
      <pre>{message.text}</pre>
    </>,
  );
}
