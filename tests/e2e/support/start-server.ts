import { rmSync } from "node:fs";

// Each browser run starts from empty databases, then runs the app exactly as `npm start` does.
const dir = process.env.E2E_DATA_DIR;
if (dir) rmSync(dir, { recursive: true, force: true });
await import("../../../app/cli/start");
