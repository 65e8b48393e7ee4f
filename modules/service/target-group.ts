import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";

export interface TargetSettings {
  /** Name of what the targets serve, part of the target group's name, e.g. the service's name. */
  readonly name: string;
  /** Port the targets (the web container) listen on. */
  readonly port: number;
  /** Path the health check requests. */
  readonly healthPath: string;
  readonly deregistrationDelaySeconds: number;
  readonly healthCheck: {
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
}

/**
 * An IP target group for the service's tasks; `color` tells the two of a blue/green pair apart.
 *
 * A target group is replaced when its port changes (a switch of `service.containers`) and must be when
 * its load balancer is (a switch of scheme: a target group belongs to one load balancer). Its name carries
 * both, so the replacement gets a new name and can be created before the old one is destroyed, while a
 * listener still forwards to it.
 */
export function serviceTargetGroup(
  scope: Construct,
  ctx: StackContext,
  vpcId: string,
  target: TargetSettings,
  color: "blue" | "green",
  internal: boolean,
): LbTargetGroup {
  return new LbTargetGroup(scope, color === "blue" ? "target-group" : "target-group-green", {
    name: ctx.naming.name("targetGroupName", target.name, color, String(target.port), internal ? "int" : ""),
    lifecycle: { createBeforeDestroy: true },
    targetType: "ip",
    protocol: "HTTP",
    protocolVersion: "HTTP1",
    port: target.port,
    vpcId,
    deregistrationDelay: String(target.deregistrationDelaySeconds),
    healthCheck: {
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: target.healthPath,
      matcher: "200",
      interval: target.healthCheck.intervalSeconds,
      timeout: target.healthCheck.timeoutSeconds,
      healthyThreshold: target.healthCheck.healthyThreshold,
      unhealthyThreshold: target.healthCheck.unhealthyThreshold,
    },
  });
}
