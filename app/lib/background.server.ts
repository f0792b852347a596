// Background work of the server process. The payments module registers its jobs here.
const holder = globalThis as typeof globalThis & { __backgroundStarted?: boolean };

export function startBackgroundJobs(): void {
  if (holder.__backgroundStarted || process.env.VITEST) return;
  holder.__backgroundStarted = true;
}
