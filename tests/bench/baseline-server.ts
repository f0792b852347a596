import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { openSqlite } from "../../db/connection";

// The bare baseline for webhook intake: node:http, raw body, Stripe's HMAC check and one SQLite
// transaction (WAL, synchronous=FULL) per event, nothing else.
const secret = process.env.BASELINE_WEBHOOK_SECRET ?? "";
const sqlite = openSqlite(process.env.BASELINE_DB ?? "./data/baseline.db");
sqlite.exec(
  "create table if not exists events (event_id text primary key, event_type text not null, body text not null)",
);
const insert = sqlite.prepare(
  "insert into events (event_id, event_type, body) values (?, ?, ?) on conflict do nothing",
);
const record = sqlite.transaction((id: string, type: string, body: string) =>
  insert.run(id, type, body),
);

function verified(body: string, header: string): boolean {
  const parts = new Map(header.split(",").map((p) => p.split("=") as [string, string]));
  const t = parts.get("t");
  const v1 = parts.get("v1");
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (!verified(body, String(req.headers["stripe-signature"] ?? ""))) {
      res.writeHead(400).end();
      return;
    }
    const event = JSON.parse(body) as { id: string; type: string };
    record(event.id, event.type, body);
    res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
  });
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`baseline listening ${typeof address === "object" && address ? address.port : ""}`);
});
