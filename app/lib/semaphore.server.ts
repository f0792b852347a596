export interface SemaphoreOptions {
  /** tasks running at once */
  concurrency: number;
  /** tasks waiting for a slot; one more is refused with onFull() */
  queueLimit: number;
  onFull: () => Error;
}

export interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

/** Runs at most `concurrency` tasks at once, queues up to `queueLimit`, refuses the rest. */
export function createSemaphore({ concurrency, queueLimit, onFull }: SemaphoreOptions): Semaphore {
  let running = 0;
  const queue: Array<() => void> = [];

  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < concurrency) {
        running++;
      } else {
        if (queue.length >= queueLimit) throw onFull();
        // The slot passes straight from the releasing task to this one: running stays the same.
        await new Promise<void>((resolve) => queue.push(resolve));
      }
      try {
        return await task();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
