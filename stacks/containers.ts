import type { EnvironmentConfig, ServiceConfig } from "../config/load";
import { CLOUDFRONT_MODES } from "../config/schema/edge";
import {
  APP,
  type ContainerContract,
  FORWARDED_HOPS_ENV,
  forwardedHops,
  NODE,
  nodeHealthCheckCommand,
  TASK_VOLUMES,
  WEB,
  WEB_ENV,
} from "../docker/contract";
import type { ServiceContainer } from "../modules/service/service";

/** A contract container's task volumes, as the images under docker/ declare them. */
function mountsOf(container: ContainerContract["name"]) {
  return TASK_VOLUMES.flatMap((v) =>
    v.mounts
      .filter((m) => m.container === container)
      .map((m) => ({ volume: v.name, path: m.path, readOnly: m.readOnly })),
  );
}

function fromContract(c: ContainerContract): Omit<ServiceContainer, "image"> {
  return {
    name: c.name,
    port: c.port,
    healthCheckCommand: [...c.healthCheckCommand],
    user: c.user,
    mounts: mountsOf(c.name),
  };
}

/**
 * The task's containers for an environment: what the images under docker/ declare (ports, health
 * checks, users, volumes), plus images, environment and secrets from config.
 */
export function serviceContainers(config: EnvironmentConfig, s: ServiceConfig): ServiceContainer[] {
  // Which X-Forwarded-For entry is the client depends on what is in front of the load balancer.
  const hops = String(forwardedHops(CLOUDFRONT_MODES.includes(config.edge.mode)));
  if (s.containers === "single") {
    return [
      {
        ...fromContract(NODE),
        port: s.single.port,
        // The image's own check when config names one, else node asking the configured port and path.
        healthCheckCommand: s.single.healthCheckCommand
          ? [...s.single.healthCheckCommand]
          : nodeHealthCheckCommand(s.single.port, s.single.healthPath),
        image: s.images.single,
        mounts: [],
        environment: { ...s.environment, PORT: String(s.single.port), [FORWARDED_HOPS_ENV]: hops },
        secrets: secretArns(s),
      },
    ];
  }
  return [
    {
      ...fromContract(WEB),
      image: s.images.web,
      dependsOn: [{ containerName: APP.name, condition: "HEALTHY" }],
      // nginx trusts X-Forwarded-For only from the VPC (the ALB's addresses).
      environment: { [WEB_ENV.vpcCidr]: config.network.cidr, [FORWARDED_HOPS_ENV]: hops },
    },
    { ...fromContract(APP), image: s.images.app, environment: s.environment, secrets: secretArns(s) },
  ];
}

/** The app's secrets as ECS takes them: name → ARN. */
function secretArns(svc: ServiceConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(svc.secrets).map(([name, s]) => [name, s.arn]));
}

/** The customer managed keys the service's secrets are encrypted with, each once: what the task may decrypt. */
export function secretKeyArns(svc: ServiceConfig): string[] {
  return [...new Set(Object.values(svc.secrets).flatMap((s) => (s.kmsKeyArn ? [s.kmsKeyArn] : [])))];
}

/** The health path the load balancer checks: routing's, else the front container's. */
export function frontHealthPath(svc: ServiceConfig): string {
  if (svc.routing.healthPath) return svc.routing.healthPath;
  return svc.containers === "single" ? svc.single.healthPath : (WEB.healthPath ?? "/health");
}
