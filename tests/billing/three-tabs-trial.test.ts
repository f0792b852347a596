import { threeTabsSuite } from "./three-tabs-suite";

// Both subscriptions start a free trial: one that is ended had nothing to refund.
threeTabsSuite(14);
