import type { ContainerMount } from "./container-definition";

/**
 * Where the SSM agent that ECS Exec starts inside a container writes: its binaries and configuration under
 * /managed-agents, its state and its logs. Under a read-only root filesystem it crashes unless these are
 * writable (aws/containers-roadmap#1359; ECS's guide calls the combination unsupported, the mounts are the
 * workaround AWS's exec checker recommends).
 */
export const EXEC_AGENT_PATHS = {
  agents: "/managed-agents",
  state: "/var/lib/amazon/ssm",
  logs: "/var/log/amazon/ssm",
} as const;

/**
 * The task volumes ECS Exec needs in one container: one per agent path and container, never shared, so
 * that two containers' agents do not share state.
 */
export function execMounts(container: string): ContainerMount[] {
  return Object.entries(EXEC_AGENT_PATHS).map(([role, path]) => ({
    volume: `exec-${container}-${role}`,
    path,
    readOnly: false,
  }));
}
