import { randomUUID } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { REQUEST_ID_HEADER } from "./log.server";
import { metrics } from "./metrics.server";

// Every request the server takes, at the HTTP layer (before @remix-run/serve's Express stack,
// so static files, resource routes, documents and data requests alike): a request id (the
// client's X-Request-Id when it is sane, else a new one) stamped on the request for the app's
// logs and returned in the response header, and the request's duration observed under its
// route's id (the route pattern, never the raw path: ids in paths would make a label a member).

/** A route of the server build, as much as matching needs. */
export interface RouteEntry {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
}

interface CompiledRoute {
  id: string;
  pattern: RegExp;
  score: number;
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const STARTED = Symbol("startedAt");

type TimedResponse = ServerResponse & { [STARTED]?: bigint };

const holder = globalThis as typeof globalThis & { __httpInstrumented?: boolean };

/** Returns the request id to use for an incoming X-Request-Id value. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === "string" && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Subscribes once a process; `routes` is read lazily (the build's route table). */
export function installHttpInstrumentation(routes: () => Record<string, RouteEntry | undefined>) {
  if (holder.__httpInstrumented) return;
  holder.__httpInstrumented = true;
  let compiled: CompiledRoute[] | undefined;
  subscribe("http.server.request.start", (message) => {
    const { request, response } = message as { request: IncomingMessage; response: TimedResponse };
    const id = requestIdFor(request.headers[REQUEST_ID_HEADER]);
    request.headers[REQUEST_ID_HEADER] = id;
    response.setHeader("X-Request-Id", id);
    response[STARTED] = process.hrtime.bigint();
  });
  subscribe("http.server.response.finish", (message) => {
    const { request, response } = message as { request: IncomingMessage; response: TimedResponse };
    const started = response[STARTED];
    if (started === undefined) return;
    compiled ??= compileRoutes(routes());
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.httpDuration.observe(
      {
        route: routeLabel(compiled, request.url ?? "/"),
        method: METHODS.has(request.method ?? "") ? request.method! : "other",
        status: String(response.statusCode),
      },
      seconds,
    );
  });
}

/** Every route's full path as a pattern, scored so the most specific match wins (as Remix ranks them). */
export function compileRoutes(routes: Record<string, RouteEntry | undefined>): CompiledRoute[] {
  const fullPath = (route: RouteEntry): string[] => {
    const parent = route.parentId ? routes[route.parentId] : undefined;
    const own = (route.path ?? "").split("/").filter(Boolean);
    return [...(parent ? fullPath(parent) : []), ...own];
  };
  const result: CompiledRoute[] = [];
  for (const route of Object.values(routes)) {
    if (!route || route.id === "root") continue;
    // a layout without a path of its own answers nothing by itself
    if (!route.index && route.path === undefined) continue;
    const segments = fullPath(route);
    let score = segments.length * 100 + (route.index ? 5 : 0);
    const parts = segments.map((segment) => {
      if (segment === "*") {
        score -= 99;
        return "(?:/.*)?";
      }
      if (segment.startsWith(":")) {
        const optional = segment.endsWith("?");
        score -= optional ? 60 : 50;
        return optional ? "(?:/[^/]+)?" : "/[^/]+";
      }
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
    });
    result.push({ id: route.id, pattern: new RegExp(`^${parts.join("")}/?$`, "i"), score });
  }
  return result.sort((a, b) => b.score - a.score);
}

/** The label of a request path: the matching route's id, "static" for built assets and files, else "unmatched". */
export function routeLabel(compiled: CompiledRoute[], url: string): string {
  let path = url.split("?")[0] ?? "/";
  if (path.startsWith("/assets/")) return "static";
  // single fetch: /dashboard/talent.data, and /_root.data for "/"
  if (path.endsWith(".data")) path = path === "/_root.data" ? "/" : path.slice(0, -5);
  else if (/\.[a-z0-9]{1,8}$/i.test(path)) return "static";
  for (const route of compiled) if (route.pattern.test(path)) return route.id;
  return "unmatched";
}
