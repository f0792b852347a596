import type Stripe from "stripe";
import { runBilling } from "../domain/billing-clock.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import { newId } from "../ids.js";
import type { ApiRoute, SimContext } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import { int, listShape, parseParams, str, withExpand } from "./params.js";
import { retrieveRoute } from "./retrieve.js";

/** Stripe deletes a test clock (and everything on it) 30 days after creating it. */
const DELETES_AFTER_SECONDS = 30 * 24 * 60 * 60;
/** Stripe refuses to move a clock more than two intervals of its shortest subscription; it is simpler here: two years. */
const MAX_ADVANCE_SECONDS = 2 * 366 * 24 * 60 * 60;

const createParams = withExpand({ frozen_time: int, name: str.optional() });
const advanceParams = withExpand({ frozen_time: int });
const listParams = withExpand(listShape);

export function requireTestClock(
  ctx: SimContext,
  id: string,
  param = "id",
): Stripe.TestHelpers.TestClock {
  const clock = ctx.store.get("test_clocks", id);
  if (!clock || clock.deleted) throw noSuch("test_clock", id, param);
  return clock;
}

/**
 * Runs an advance the way Stripe does: the request answers with status `advancing`, the work
 * happens right after (in time order, one transaction), then the clock is `ready` at frozen_time.
 */
function completeAdvance(ctx: SimContext, clockId: string, target: number): void {
  try {
    advanceInTransaction(ctx, clockId, target);
  } catch (error) {
    // Stripe reports a failed advance as internal_failure; the clock stays at its last step.
    const clock = ctx.store.get("test_clocks", clockId);
    if (clock && !clock.deleted) {
      const failed: Stripe.TestHelpers.TestClock = {
        ...clock,
        status: "internal_failure",
        status_details: {},
      };
      ctx.store.replace("test_clocks", failed);
      ctx.events.emit("test_helpers.test_clock.internal_failure", failed, null);
    }
    ctx.log(
      `stripe-sim: test clock ${clockId} failed to advance: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  ctx.wakeDeliveries();
}

function advanceInTransaction(ctx: SimContext, clockId: string, target: number): void {
  ctx.db.transaction(() => {
    const setTime = (at: number) => {
      const current = ctx.store.get("test_clocks", clockId);
      if (current && !current.deleted)
        ctx.store.replace("test_clocks", { ...current, frozen_time: at });
    };
    runBilling(ctx, clockId, target, setTime);
    const clock = ctx.store.get("test_clocks", clockId);
    if (!clock || clock.deleted) return;
    const ready: Stripe.TestHelpers.TestClock = {
      ...clock,
      frozen_time: target,
      status: "ready",
      status_details: {},
    };
    ctx.store.replace("test_clocks", ready);
    ctx.events.emit("test_helpers.test_clock.ready", ready, null);
  })();
}

/** Validates an advance, marks the clock advancing and schedules the work (API and dashboard). */
export function startAdvance(
  ctx: SimContext,
  clock: Stripe.TestHelpers.TestClock,
  frozenTime: number,
  origin: Stripe.Event.Request | null,
): Stripe.TestHelpers.TestClock {
  if (clock.status === "advancing") {
    throw invalidRequest(
      "The test clock is already advancing. Wait until its status is `ready`.",
      undefined,
      "test_clock_advancing",
    );
  }
  if (frozenTime <= clock.frozen_time) {
    throw invalidRequest(
      "The test clock can only be advanced to a time after its current frozen_time.",
      "frozen_time",
    );
  }
  if (frozenTime - clock.frozen_time > MAX_ADVANCE_SECONDS) {
    throw invalidRequest(
      "Cannot advance the test clock more than two years at a time.",
      "frozen_time",
    );
  }
  const advancing: Stripe.TestHelpers.TestClock = {
    ...clock,
    status: "advancing",
    status_details: { advancing: { target_frozen_time: frozenTime } },
  };
  ctx.store.replace("test_clocks", advancing);
  ctx.events.emit("test_helpers.test_clock.advancing", advancing, origin);
  // After the caller's transaction commits, as Stripe's advance finishes after it answers.
  setImmediate(() => completeAdvance(ctx, clock.id, frozenTime));
  return advancing;
}

export const testClockRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/test_helpers/test_clocks",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      const now = ctx.clock.nowSeconds();
      const clock: Stripe.TestHelpers.TestClock = {
        id: newId("clock"),
        object: "test_helpers.test_clock",
        created: now,
        deletes_after: now + DELETES_AFTER_SECONDS,
        frozen_time: p.frozen_time,
        livemode: false,
        name: p.name ?? null,
        status: "ready",
        status_details: {},
      };
      ctx.store.insert("test_clocks", clock);
      ctx.events.emit("test_helpers.test_clock.created", clock, req.origin);
      return ok(expand(ctx, clock, p.expand));
    },
  },
  retrieveRoute("/v1/test_helpers/test_clocks/:id", requireTestClock),
  {
    method: "GET",
    path: "/v1/test_helpers/test_clocks",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      return ok(
        expand(
          ctx,
          listObjects(ctx, "test_clocks", "/v1/test_helpers/test_clocks", p, [
            { path: "$.deleted", value: null },
          ]),
          p.expand,
        ),
      );
    },
  },
  {
    method: "DELETE",
    path: "/v1/test_helpers/test_clocks/:id",
    handler: (ctx, req, [id = ""]) => {
      parseParams(withExpand({}), req.params);
      const clock = requireTestClock(ctx, id);
      // Deleting a clock deletes the customers and subscriptions living on it.
      for (const subscription of ctx.store.list("subscriptions", {
        limit: 1000,
        filters: [{ path: "$.test_clock", value: id }],
      }).data) {
        ctx.store.delete("subscriptions", subscription.id);
      }
      for (const customer of ctx.store.list("customers", {
        limit: 1000,
        filters: [{ path: "$.test_clock", value: id }],
      }).data) {
        ctx.store.replace("customers", { id: customer.id, object: "customer", deleted: true });
      }
      const deleted: Stripe.TestHelpers.DeletedTestClock = {
        id,
        object: "test_helpers.test_clock",
        deleted: true,
      };
      ctx.store.replace("test_clocks", deleted);
      ctx.events.emit("test_helpers.test_clock.deleted", clock, req.origin);
      return ok(deleted);
    },
  },
  {
    method: "POST",
    path: "/v1/test_helpers/test_clocks/:id/advance",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(advanceParams, req.params);
      const advancing = startAdvance(ctx, requireTestClock(ctx, id), p.frozen_time, req.origin);
      return ok(expand(ctx, advancing, p.expand));
    },
  },
];
