import { threeTabsSuite } from "./three-tabs-suite";

// Every product charges at once: two are refunded in full.
threeTabsSuite(0);
