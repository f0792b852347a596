// What a thrown value says, for messages and log lines: anything may be thrown, not only Errors.

/** An Error's message; anything else thrown, as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error for a log line: its name and message (pino's err serializer adds the stack). */
export function errorNameAndMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
