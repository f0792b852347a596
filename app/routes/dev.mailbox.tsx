import type { LoaderFunctionArgs } from "@remix-run/node";
import { htmlPage } from "../email/dev-mailbox-page.server";
import { listDevMailbox } from "../email/dev-mailbox.server";
import { devMailboxEnabled } from "../email/transport.server";
import { db } from "../lib/db.server";

// A developer tool, not part of the product UI: a resource route answering static HTML (or JSON
// with ?format=json, which tests read) so it works without the app's layout or JavaScript.
export async function loader({ request }: LoaderFunctionArgs) {
  if (!devMailboxEnabled(request)) return new Response("Not found", { status: 404 });
  const messages = await listDevMailbox(db());

  if (new URL(request.url).searchParams.get("format") === "json") {
    return Response.json(
      {
        messages: messages.map((m) => ({
          id: m.id,
          to_email: m.to_email,
          subject: m.subject,
          text: m.text,
          status: m.status,
          created_at: m.created_at,
          sent_at: m.sent_at,
        })),
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  }

  return htmlPage(
    "Dev mailbox",
    <>
      <h1>Dev mailbox</h1>
      <p className="muted">
        Emails the app sent while no Postmark token is configured ({messages.length}).{" "}
        <a href="?format=json">JSON</a>
      </p>
      {messages.length === 0 ? (
        <p>No emails yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Sent</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td>{m.to_email}</td>
                <td>
                  <a href={`/dev/mailbox/${m.id}`}>{m.subject}</a>
                </td>
                <td>{m.sent_at ?? m.created_at}</td>
                <td>{m.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>,
  );
}
