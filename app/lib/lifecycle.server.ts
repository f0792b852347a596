// Whether this process is shutting down: /readyz answers 503 from the moment SIGTERM arrives,
// so a load balancer stops sending new requests while in-flight ones finish.

const holder = globalThis as typeof globalThis & { __shuttingDown?: boolean };

export function isShuttingDown(): boolean {
  return holder.__shuttingDown === true;
}

export function markShuttingDown(): void {
  holder.__shuttingDown = true;
}
