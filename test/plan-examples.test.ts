import { describeOfflinePlans } from "./support/plan-all";

/** The shipped examples: dev and prod. */
describeOfflinePlans("config");
