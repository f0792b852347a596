import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RouteServer {
  url: string;
  statuses: number[];
  close(): Promise<void>;
}

/**
 * Serves one route handler over real HTTP (for the Stripe stand-in to deliver webhooks to),
 * converting node's request into a fetch Request as Remix's adapter does.
 */
export async function serveRoute(
  handler: (request: Request) => Promise<Response>,
): Promise<RouteServer> {
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      });
      handler(request)
        .then(async (response) => {
          statuses.push(response.status);
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(() => {
          statuses.push(500);
          res.writeHead(500).end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statuses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
