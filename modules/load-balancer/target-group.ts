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

/** An IP target group for the service's tasks; `color` tells the two of a blue/green pair apart. */
export function serviceTargetGroup(
  scope: Construct,
  ctx: StackContext,
  vpcId: string,
  target: TargetSettings,
  color: "blue" | "green",
): LbTargetGroup {
  return new LbTargetGroup(scope, color === "blue" ? "target-group" : "target-group-green", {
    name: ctx.naming.name("targetGroupName", target.name, color),
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
