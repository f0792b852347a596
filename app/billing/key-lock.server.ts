// Work on one key (one subscription) runs one at a time in this process, in arrival order.
const tails = new Map<string, Promise<unknown>>();

export async function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    // The last one out removes the key, so the map only holds keys with work in flight.
    if (tails.get(key) === tail) tails.delete(key);
  }
}
