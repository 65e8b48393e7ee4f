import type { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule, type LbListenerRuleCondition } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";
import { serviceTargetGroup, type TargetSettings } from "./target-group";

/**
 * Where the target groups of the one-service layout lived (the load balancer owned them). The first service
 * of an environment takes them over with `moved` blocks, so upgrading a deployed environment keeps its
 * target groups (README: "Upgrading to several services").
 */
export const ONE_SERVICE_TARGET_GROUPS = {
  blue: "aws_lb_target_group.load-balancer_target-group_2EB1ED9E",
  green: "aws_lb_target_group.load-balancer_target-group-green_98481B74",
} as const;

export interface ServiceRoutingProps {
  readonly context: StackContext;
  readonly vpcId: string;
  /** The service's targets: name, web port, health path, draining and health check. */
  readonly target: TargetSettings;
  /** The load balancer is internal (its target groups' names say so). */
  readonly internal: boolean;
  /** The ALB's ARN suffix: with a target group's, the label of request-count scaling. */
  readonly loadBalancerArnSuffix: string;
  /** The shared production listener, and the test listener when the service deploys blue/green. */
  readonly listeners: { readonly production: LbListener; readonly test?: LbListener };
  /** Host names the rule matches. @default [] (any host) */
  readonly hosts?: string[];
  /** Path patterns the rule matches. @default [] (every path) */
  readonly paths?: string[];
  /** The rule's priority, 1-50000 (config/routing.ts derives it). */
  readonly priority: number;
  /** A header every request must also carry (cloudfront-public-alb's origin secret). @default none */
  readonly requiredHeader?: { readonly name: string; readonly values: string[] };
  /** A blue/green pair of target groups, and a rule on the test listener. @default false (one group) */
  readonly blueGreen?: boolean;
  /**
   * Blue/green: the group the rules forward to when they are created (CodeDeploy's afterwards): the one that
   * serves traffic when a deployed one-service environment is upgraded. @default "blue"
   */
  readonly liveColor?: "blue" | "green";
  /** Take over the one-service layout's target groups (`moved` blocks). @default false */
  readonly adoptOneServiceTargetGroups?: boolean;
}

/**
 * A service's share of the load balancer: its target group (or blue/green pair) and the listener rules
 * that forward its hosts and paths to it. Under CodeDeploy the rules' action is the deployment's: CodeDeploy
 * points them at the new group on every shift, and Terraform leaves that alone.
 */
export class ServiceRouting extends Construct {
  /** The group the service starts in (blue). */
  readonly targetGroup: LbTargetGroup;
  /** [blue] or, for blue/green, [blue, green]. */
  readonly targetGroups: LbTargetGroup[];
  /** The rule on the production listener: what ECS waits for before it registers tasks. */
  readonly productionRule: LbListenerRule;
  readonly testRule?: LbListenerRule;
  /** `<alb arn suffix>/<target group arn suffix>` of each group: request-count scaling's label. */
  readonly resourceLabels: string[];

  constructor(scope: Construct, id: string, props: ServiceRoutingProps) {
    super(scope, id);
    const group = (color: "blue" | "green") => {
      const tg = serviceTargetGroup(this, props.context, props.vpcId, props.target, color, props.internal);
      if (props.adoptOneServiceTargetGroups) tg.moveFromId(ONE_SERVICE_TARGET_GROUPS[color]);
      return tg;
    };
    this.targetGroup = group("blue");
    this.targetGroups = props.blueGreen ? [this.targetGroup, group("green")] : [this.targetGroup];
    this.resourceLabels = this.targetGroups.map((g) => `${props.loadBalancerArnSuffix}/${g.arnSuffix}`);

    const conditions = routeConditions(props);
    // CodeDeploy rewrites the rules' forward during a deployment: Terraform must not undo it, so a rule cannot
    // follow a replaced target group in place; it is replaced with it.
    const lifecycle = props.blueGreen
      ? {
          ignoreChanges: ["action"],
          replaceTriggeredBy: this.targetGroups.map(
            (g) => `${g.terraformResourceType}.${g.friendlyUniqueId}.id`,
          ),
        }
      : undefined;
    if (props.liveColor === "green" && !props.blueGreen)
      throw new Error(`service ${props.target.name}: a live green group needs blue/green`);
    const live = this.targetGroups[props.liveColor === "green" ? 1 : 0];
    const rule = (ruleId: string, listener: LbListener) =>
      new LbListenerRule(this, ruleId, {
        listenerArn: listener.arn,
        priority: props.priority,
        condition: conditions,
        action: [{ type: "forward", targetGroupArn: live.arn }],
        lifecycle,
      });
    this.productionRule = rule("rule", props.listeners.production);
    if (props.blueGreen) {
      if (!props.listeners.test)
        throw new Error(`service ${props.target.name}: blue/green needs the test listener`);
      this.testRule = rule("test-rule", props.listeners.test);
    }
  }
}

/** The rule's conditions: hosts, paths and the required header; a rule for everything matches the path `/*`. */
function routeConditions(props: ServiceRoutingProps): LbListenerRuleCondition[] {
  const hosts = props.hosts ?? [];
  const paths = props.paths ?? [];
  const conditions: LbListenerRuleCondition[] = [
    ...(hosts.length > 0 ? [{ hostHeader: { values: hosts } }] : []),
    ...(paths.length > 0 ? [{ pathPattern: { values: paths } }] : []),
    ...(props.requiredHeader
      ? [{ httpHeader: { httpHeaderName: props.requiredHeader.name, values: props.requiredHeader.values } }]
      : []),
  ];
  return conditions.length > 0 ? conditions : [{ pathPattern: { values: ["/*"] } }];
}
