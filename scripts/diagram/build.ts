import type { Stack } from "../lib/stack-json";
import { addAlarms } from "./alarms-view";
import { addPipeline, addRepositories } from "./delivery-view";
import { addLogFlows, addLogStores } from "./logs-view";
import { Diagram } from "./model";
import { addNetwork } from "./network-view";
import { addRequestPath } from "./request-view";
import { addService } from "./service-view";

/**
 * One stack's diagram. Views run in this order because an edge is drawn only between nodes that exist:
 * stores and repositories first, then what writes to them.
 */
export function buildDiagram(stack: Stack): Diagram {
  const d = new Diagram(`${stack.name} (${stack.region})`);
  addNetwork(d, stack);
  addLogStores(d, stack);
  addRepositories(d, stack);
  addRequestPath(d, stack);
  addService(d, stack);
  addPipeline(d, stack);
  addAlarms(d, stack);
  addLogFlows(d, stack);
  return d;
}
