import { remember } from "@epic-web/remember";

// Whether this process is shutting down: /readyz answers 503 from the moment SIGTERM arrives,
// so a load balancer stops sending new requests while in-flight ones finish.

const lifecycle = remember("lifecycle", () => ({ shuttingDown: false }));

export function isShuttingDown(): boolean {
  return lifecycle.shuttingDown;
}

export function markShuttingDown(): void {
  lifecycle.shuttingDown = true;
}
