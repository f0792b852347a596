import { z } from "zod";
import { acceptDispute, EVIDENCE_FIELDS, updateDispute } from "../domain/disputes.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  bool,
  listShape,
  mergeMetadata,
  metadata,
  obj,
  parseParams,
  str,
  withExpand,
} from "./params.js";
import { requireStored, retrieveRoute } from "./retrieve.js";

const evidence = obj(
  Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, str.max(20000).optional()])),
);

const updateParams = withExpand({
  evidence: evidence.optional(),
  metadata: metadata.optional(),
  submit: bool.optional(),
  intended_submission_method: z
    .enum(["manual", "prefer_manual", "prefer_smart_disputes", "smart_disputes"])
    .optional(),
});

const listParams = withExpand({
  ...listShape,
  charge: str.optional(),
  payment_intent: str.optional(),
});

export const disputeRoutes: ApiRoute[] = [
  retrieveRoute("/v1/disputes/:id", (ctx, id) => requireStored(ctx, "disputes", id, "dispute")),
  {
    method: "POST",
    path: "/v1/disputes/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(updateParams, req.params);
      const dispute = requireStored(ctx, "disputes", id, "dispute");
      const updated = updateDispute(
        ctx,
        dispute,
        {
          ...(p.evidence ? { evidence: p.evidence as Record<string, string> } : {}),
          ...(p.submit !== undefined ? { submit: p.submit } : {}),
        },
        mergeMetadata(dispute.metadata, p.metadata),
        req.origin,
      );
      return ok(expand(ctx, updated, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/disputes/:id/close",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(withExpand({}), req.params);
      const dispute = requireStored(ctx, "disputes", id, "dispute");
      return ok(expand(ctx, acceptDispute(ctx, dispute, req.origin), p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/disputes",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.charge !== undefined) filters.push({ path: "$.charge", value: p.charge });
      if (p.payment_intent !== undefined)
        filters.push({ path: "$.payment_intent", value: p.payment_intent });
      return ok(expand(ctx, listObjects(ctx, "disputes", "/v1/disputes", p, filters), p.expand));
    },
  },
];
