import type { AddIssue } from "./common";

interface PipelineOf {
  readonly pipeline: {
    readonly enabled: boolean;
    readonly connectionArn?: string;
    readonly connectionFrom?: string;
  };
}

/**
 * `pipeline.connectionFrom` names another service whose pipeline is on and creates its own connection (not
 * given one, not borrowing one): the connection a pipeline borrows must exist in this stack.
 */
export function connectionChecks(services: Readonly<Record<string, PipelineOf>>, add: AddIssue): void {
  for (const [name, s] of Object.entries(services)) {
    const from = s.pipeline.connectionFrom;
    if (!from || !s.pipeline.enabled) continue;
    const at = ["services", name, "pipeline", "connectionFrom"];
    const owner = services[from];
    if (from === name || !owner) {
      add(
        at,
        `expected the name of another service (${
          Object.keys(services)
            .filter((n) => n !== name)
            .join(", ") || "none"
        }), got "${from}"`,
      );
    } else if (!owner.pipeline.enabled || owner.pipeline.connectionArn || owner.pipeline.connectionFrom) {
      add(
        at,
        `expected a service whose pipeline is enabled and creates its connection (no connectionArn, no connectionFrom), got "${from}"`,
      );
    }
  }
}
