/**
 * Resolves after the event loop has had a turn (timers, I/O, other requests). Long database
 * work split into steps awaits this between them: SQLite's driver is synchronous, and promises
 * that resolve at once never let anything else run.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
