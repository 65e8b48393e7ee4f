/**
 * ECS container definitions as typed data with secure defaults: non-root user, read-only root
 * filesystem, no privileges, a health check, a stop timeout, ulimits and the awslogs driver. Callers
 * override field by field; nobody copies the whole definition.
 */

export interface ContainerSpec {
  /** Container name, e.g. "web". */
  readonly name: string;
  /** Image reference (repository URL and tag, or a digest). */
  readonly image: string;
  /** Port the container serves on, exposed in the task's network namespace. @default none */
  readonly port?: number;
  /** ECS health check command, e.g. ["CMD", "/usr/local/bin/healthcheck"]. */
  readonly healthCheckCommand: string[];
  /** Numeric `uid:gid` the process runs as. */
  readonly user: string;
  /** Mount points of task volumes: every path the server writes to (and shared read-only ones). */
  readonly mounts: readonly ContainerMount[];
  /** Log group and stream prefix of the awslogs driver. */
  readonly logGroup: string;
  readonly region: string;
  readonly stopTimeoutSeconds: number;
  /** Containers that must reach a condition before this one starts. @default none */
  readonly dependsOn?: readonly { readonly containerName: string; readonly condition: "HEALTHY" | "START" }[];
  /** Plain environment variables. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Environment variables from SSM parameters or Secrets Manager: name → ARN. @default none */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Seconds before failed health checks count (the server's start-up). @default 20 */
  readonly healthStartPeriodSeconds?: number;
}

export interface ContainerMount {
  readonly volume: string;
  readonly path: string;
  /** @default false */
  readonly readOnly?: boolean;
}

/** Open-file limit: enough for thousands of keep-alive connections per task. */
export const NOFILE_LIMIT = 65536;

export function containerDefinition(spec: ContainerSpec): Record<string, unknown> {
  const sorted = (record: Readonly<Record<string, string>> = {}) =>
    Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return {
    name: spec.name,
    image: spec.image,
    essential: true,
    user: spec.user,
    readonlyRootFilesystem: true,
    privileged: false,
    linuxParameters: {
      // tini as PID 1: signals reach the server, zombies are reaped (and ECS Exec needs it).
      initProcessEnabled: true,
      capabilities: { drop: ["ALL"] },
    },
    portMappings: spec.port
      ? [{ name: spec.name, containerPort: spec.port, protocol: "tcp", appProtocol: "http" }]
      : [],
    healthCheck: {
      command: spec.healthCheckCommand,
      interval: 10,
      timeout: 5,
      retries: 3,
      startPeriod: spec.healthStartPeriodSeconds ?? 20,
    },
    dependsOn: spec.dependsOn ?? [],
    stopTimeout: spec.stopTimeoutSeconds,
    ulimits: [{ name: "nofile", softLimit: NOFILE_LIMIT, hardLimit: NOFILE_LIMIT }],
    mountPoints: spec.mounts.map((m) => ({
      sourceVolume: m.volume,
      containerPath: m.path,
      readOnly: m.readOnly ?? false,
    })),
    volumesFrom: [],
    environment: sorted(spec.environment).map(([name, value]) => ({ name, value })),
    secrets: sorted(spec.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": spec.logGroup,
        "awslogs-region": spec.region,
        "awslogs-stream-prefix": spec.name,
        // Never block the server on CloudWatch: buffer in memory and drop if the buffer overflows.
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    },
  };
}
