import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";

/** A standalone HTML page for the dev mailbox, rendered on the server without the app shell. */
export function htmlPage(title: string, body: ReactNode, status = 200): Response {
  const markup = renderToStaticMarkup(
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | Talents Acting`}</title>
        <style>{DEV_STYLES}</style>
      </head>
      <body>
        <main>{body}</main>
      </body>
    </html>,
  );
  const headers = new Headers({
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
  });
  // No scripts at all; the email preview is a sandboxed srcdoc iframe.
  headers.set(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  return new Response(`<!DOCTYPE html>${markup}`, { status, headers });
}

const DEV_STYLES = `
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f8fb; color: #1a1f36; }
main { max-width: 960px; margin: 2rem auto; padding: 0 1.25rem; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid #e3e8ee; font-size: 0.94rem; }
.muted { color: #5b6478; }
iframe { width: 100%; height: 560px; border: 1px solid #e3e8ee; background: #fff; }
pre { white-space: pre-wrap; background: #fff; border: 1px solid #e3e8ee; padding: 1rem; }
`;
