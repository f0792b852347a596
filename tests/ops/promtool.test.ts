import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { loader as metricsLoader } from "../../app/routes/metrics";
import { setupTestApp, type TestApp } from "../support/app";
import { args } from "../support/requests";
import { webhookRequest } from "../support/stripe-events";
import { paidCheckoutEvents } from "../support/webhook-sender";

// The alert rules and the exposition, checked by Prometheus' own promtool (npm test installs
// Debian's prometheus package when it is missing: tests/tools/ensure-promtool.ts).

const promtool = process.env.PROMTOOL_PATH ?? "/usr/bin/promtool";
const describeWithPromtool = existsSync(promtool) ? describe : describe.skip;

function run(args: string[], input?: string) {
  const result = spawnSync(promtool, args, { cwd: "docs/ops", encoding: "utf8", input });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

describeWithPromtool("promtool", () => {
  it("check rules: the alert rules are valid", () => {
    const result = run(["check", "rules", "prometheus-rules.yml"]);
    expect(result.output).toContain("SUCCESS: 6 rules found");
    expect(result.status).toBe(0);
  });

  it("test rules: each alert fires when it should and not before", () => {
    const result = run(["test", "rules", "prometheus-rules.test.yml"]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("check metrics: the live exposition follows Prometheus' conventions", async () => {
    const [event] = await paidCheckoutEvents(app.db, 1, "promtool");
    expect((await webhookAction(args(webhookRequest(event!)))).status).toBe(200);
    const response = await metricsLoader(
      args(
        new Request("http://localhost:3000/metrics", {
          headers: { [CLIENT_ADDRESS_HEADER]: "127.0.0.1" },
        }),
      ),
    );
    const exposition = await response.text();
    expect(exposition).toContain("stripe_webhook_events_total");
    const result = run(["check", "metrics"], exposition);
    // prom-client's own default gauges nodejs_active_{handles,requests,resources}_total carry a
    // _total suffix promtool's linter expects on counters only; the app's metrics have no finding.
    const findings = result.output.split("\n").filter(Boolean);
    const ours = findings.filter(
      (line) => !/^nodejs_active_(handles|requests|resources)_total non-counter metrics/.test(line),
    );
    expect(ours).toEqual([]);
    expect(findings.length === 0 ? result.status : 0).toBe(0);
    // and the exposition does reach promtool's parser: a broken line is reported
    expect(run(["check", "metrics"], `${exposition}broken line here\n`).status).not.toBe(0);
  });
});
