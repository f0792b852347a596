import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StripeSim } from "../../stripe-sim/index";
import { startStandIn, type SimHarness } from "../support/stand-in";

let standIn: SimHarness;
let sim: StripeSim;
beforeAll(async () => {
  standIn = await startStandIn();
  sim = standIn.sim;
});
afterAll(async () => {
  await standIn.cleanup();
});

async function clockOffset(): Promise<number> {
  return ((await (await fetch(`${sim.url}/_sim/clock`)).json()) as { offset_seconds: number })
    .offset_seconds;
}
async function knobs(): Promise<Record<string, unknown>> {
  return (await (await fetch(`${sim.url}/_sim/knobs`)).json()) as Record<string, unknown>;
}

describe("the stand-in's control endpoints refuse what a web page could send", () => {
  it("refuses a text/plain POST (a cross-origin form or no-cors fetch) to move the clock", async () => {
    const before = await clockOffset();
    const response = await fetch(`${sim.url}/_sim/clock`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: '{"advance_seconds":86400}',
    });
    expect(response.status).toBe(415);
    expect(await clockOffset()).toBe(before);
  });

  it("refuses a POST from another origin, whatever its content type", async () => {
    const before = await knobs();
    for (const [type, body] of [
      ["application/x-www-form-urlencoded", "duplicates=5"],
      ["application/json", '{"duplicates":5}'],
      ["text/plain", "duplicates=5"],
    ] as const) {
      const response = await fetch(`${sim.url}/_sim/knobs`, {
        method: "POST",
        headers: { "Content-Type": type, Origin: "https://evil.example" },
        body,
      });
      expect(response.status, type).toBe(403);
    }
    const sneaky = await fetch(`${sim.url}/_sim/clock`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Sec-Fetch-Site": "cross-site",
      },
      body: "advance_seconds=60",
    });
    expect(sneaky.status).toBe(403);
    expect(await knobs()).toEqual(before);
  });

  it("accepts JSON from tools and the dashboard's own same-origin form", async () => {
    const json = await fetch(`${sim.url}/_sim/knobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"duplicates":2}',
    });
    expect(json.status).toBe(200);
    expect((await knobs()).duplicates).toBe(2);
    const form = await fetch(`${sim.url}/_sim/knobs`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: sim.url },
      body: "duplicates=1",
    });
    expect(form.status).toBe(303);
    expect((await knobs()).duplicates).toBe(1);
  });
});
