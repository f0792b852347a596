// The Remix Vite plugin's server build, as app code may read it (the route table).
declare module "virtual:remix/server-build" {
  import type { ServerBuild } from "@remix-run/node";
  export const routes: ServerBuild["routes"];
}
