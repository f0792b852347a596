import { buildIfNeeded } from "../../app/cli/build";

// The production build when a source is newer than it, in a process of its own: a test worker
// that built (or waited on another worker's build) synchronously would not answer Vitest for the
// minute a build can take on a loaded machine, and the run would fail with an RPC timeout.
process.exit(buildIfNeeded(process.cwd()));
