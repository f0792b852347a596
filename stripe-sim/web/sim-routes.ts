import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "../api/context.js";
import { BodyTooLargeError, readBody } from "../http/body.js";
import { startAdvance } from "../api/test-clocks.js";
import { createRefund } from "../domain/refunds.js";
import { errorEnvelope, StripeApiError } from "../http/errors.js";
import { parseForm } from "../http/form.js";
import { redirect, sendJson } from "../http/respond.js";
import type { DeliveryKnobs } from "../options.js";
import type { SimControls } from "./controls.js";

const KNOB_KINDS: Record<keyof DeliveryKnobs, "number" | "boolean"> = {
  duplicates: "number",
  shuffle: "boolean",
  delayMs: "number",
  retryBaseMs: "number",
  maxAttempts: "number",
  timeoutMs: "number",
};

class BadInput extends Error {}

async function readInput(
  req: IncomingMessage,
): Promise<{ fields: Record<string, unknown>; fromForm: boolean }> {
  const text = await readBody(req);
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded"))
    return { fields: parseForm(text), fromForm: true };
  if (text.trim() === "") return { fields: {}, fromForm: false };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return { fields: parsed as Record<string, unknown>, fromForm: false };
    }
  } catch {
    // reported below
  }
  throw new BadInput("Body must be a JSON object.");
}

export function parseKnobs(fields: Record<string, unknown>): Partial<DeliveryKnobs> {
  const patch: Partial<DeliveryKnobs> = {};
  for (const [key, raw] of Object.entries(fields)) {
    const kind = KNOB_KINDS[key as keyof DeliveryKnobs];
    if (!kind) throw new BadInput(`Unknown knob: ${key}`);
    if (kind === "boolean") {
      if (raw !== true && raw !== false && raw !== "true" && raw !== "false")
        throw new BadInput(`${key} must be true or false`);
      patch.shuffle = raw === true || raw === "true";
    } else {
      const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
        throw new BadInput(`${key} must be a non-negative number`);
      (patch as Record<string, number>)[key] = value;
    }
  }
  return patch;
}

/**
 * Why a POST to a control endpoint is refused, or null. A web page the developer happens to
 * open must not move the clock or change knobs: a browser's cross-origin POST carries a foreign
 * Origin (or Sec-Fetch-Site), and the simple content types it may send without a preflight
 * (text/plain among them) are refused. Tools without an Origin (curl, the tests) send JSON,
 * a form, or nothing.
 */
export function controlRequestRefusal(
  req: IncomingMessage,
): { status: 403 | 415; message: string } | null {
  const origin = req.headers.origin;
  const fetchSite = req.headers["sec-fetch-site"];
  if (
    (origin !== undefined && origin !== `http://${req.headers.host ?? ""}`) ||
    fetchSite === "cross-site" ||
    fetchSite === "same-site"
  ) {
    return {
      status: 403,
      message: "Cross-origin requests to the stand-in's control endpoints are refused.",
    };
  }
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "" && type !== "application/json" && type !== "application/x-www-form-urlencoded") {
    return {
      status: 415,
      message:
        "Send a JSON body (Content-Type: application/json) or a form from the stand-in's dashboard.",
    };
  }
  return null;
}

function badRequest(res: ServerResponse, message: string): void {
  sendJson(res, 400, errorEnvelope({ type: "invalid_request_error", message }));
}

/** Control endpoints of the stand-in itself (no Stripe equivalent): knobs, clock, resend. */
export async function handleSimRoute(
  ctx: SimContext,
  controls: SimControls,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const method = req.method ?? "GET";
  if (method === "POST" && path.startsWith("/_sim/")) {
    const refusal = controlRequestRefusal(req);
    if (refusal)
      return (
        sendJson(
          res,
          refusal.status,
          errorEnvelope({ type: "invalid_request_error", message: refusal.message }),
        ),
        true
      );
  }
  try {
    if (path === "/_sim/knobs") {
      if (method === "GET") return (sendJson(res, 200, controls.getKnobs()), true);
      if (method !== "POST") return false;
      const { fields, fromForm } = await readInput(req);
      controls.setKnobs(parseKnobs(fields));
      if (fromForm) redirect(res, "/_sim#webhooks");
      else sendJson(res, 200, controls.getKnobs());
      return true;
    }
    if (path === "/_sim/clock") {
      if (method === "POST") {
        const { fields } = await readInput(req);
        const seconds = Number(fields.advance_seconds ?? fields.advanceSeconds ?? 0);
        if (!Number.isFinite(seconds) || seconds < 0)
          throw new BadInput("advance_seconds must be a non-negative number");
        ctx.clock.advance(seconds);
      } else if (method !== "GET") {
        return false;
      }
      sendJson(res, 200, { now: ctx.clock.nowSeconds(), offset_seconds: ctx.clock.offset });
      return true;
    }
    const advance = /^\/_sim\/test-clocks\/([^/]+)\/advance$/.exec(path);
    if (advance && method === "POST") {
      const { fields, fromForm } = await readInput(req);
      const days = Number(fields.days ?? 0);
      const hours = Number(fields.hours ?? 0);
      if (
        !Number.isFinite(days) ||
        !Number.isFinite(hours) ||
        days < 0 ||
        hours < 0 ||
        days + hours <= 0
      ) {
        throw new BadInput(
          "days and hours must be non-negative numbers, and together more than zero",
        );
      }
      const id = advance[1] ?? "";
      const clock = ctx.store.get("test_clocks", id);
      if (!clock || clock.deleted) {
        sendJson(
          res,
          404,
          errorEnvelope({
            type: "invalid_request_error",
            code: "resource_missing",
            message: `No such test_clock: '${id}'`,
          }),
        );
        return true;
      }
      try {
        const advancing = ctx.db.transaction(() =>
          startAdvance(
            ctx,
            clock,
            clock.frozen_time + Math.round(days * 86400 + hours * 3600),
            null,
          ),
        )();
        if (fromForm) redirect(res, "/_sim#test-clocks");
        else sendJson(res, 200, advancing);
      } catch (error) {
        if (error instanceof StripeApiError) throw new BadInput(error.message);
        throw error;
      }
      return true;
    }
    const refund = /^\/_sim\/charges\/([^/]+)\/refund$/.exec(path);
    if (refund && method === "POST") {
      await readInput(req);
      const chargeId = refund[1] ?? "";
      const charge = ctx.store.get("charges", chargeId);
      if (!charge) {
        sendJson(
          res,
          404,
          errorEnvelope({
            type: "invalid_request_error",
            code: "resource_missing",
            message: `No such charge: '${chargeId}'`,
          }),
        );
        return true;
      }
      try {
        // A full refund through the API's own code: same objects, same events.
        ctx.db.transaction(() => createRefund(ctx, { charge }, null))();
      } catch (error) {
        if (error instanceof StripeApiError) throw new BadInput(error.message);
        throw error;
      }
      redirect(res, "/_sim#payments");
      return true;
    }
    const resend = /^\/_sim\/events\/([^/]+)\/resend$/.exec(path);
    if (resend && method === "POST") {
      await readBody(req).catch(() => "");
      const eventId = resend[1] ?? "";
      if (!controls.redeliver(eventId)) {
        sendJson(
          res,
          404,
          errorEnvelope({
            type: "invalid_request_error",
            code: "resource_missing",
            message: `No such event: '${eventId}'`,
          }),
        );
      } else {
        redirect(res, `/_sim#${eventId}`);
      }
      return true;
    }
    return false;
  } catch (error) {
    if (error instanceof BadInput) return (badRequest(res, error.message), true);
    if (error instanceof BodyTooLargeError) {
      sendJson(res, 413, errorEnvelope({ type: "invalid_request_error", message: error.message }));
      return true;
    }
    throw error;
  }
}
