import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";

/** An AWS managed Config rule this stack should satisfy. */
export interface ManagedRule {
  /** AWS's identifier of the managed rule (checked against AWS's list in test/audit-config.test.ts). */
  readonly identifier: string;
  /** What a compliant stack shows, and which part of it provides that. */
  readonly why: string;
  /** The rule's parameters, as AWS documents them (every value a string). @default none */
  readonly parameters?: Record<string, string>;
}

export const MANAGED_RULES: readonly ManagedRule[] = [
  {
    identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED",
    why: "a multi-region trail of all management events (audit)",
  },
  { identifier: "VPC_FLOW_LOGS_ENABLED", why: "flow logs of ALL traffic on the VPC (network)" },
  { identifier: "ELB_LOGGING_ENABLED", why: "ALB access logs to S3 (load balancer)" },
  {
    identifier: "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
    why: "the HTTP listener redirects to HTTPS (load balancer)",
  },
  { identifier: "ECS_CONTAINER_INSIGHTS_ENABLED", why: "Container Insights on the cluster (service)" },
  {
    // Not ECS_TASK_DEFINITION_NONROOT_USER: that rule evaluates EC2 launch type containers only.
    identifier: "ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT",
    why: "every container runs as a non-root user (service)",
  },
  { identifier: "ECS_CONTAINERS_READONLY_ACCESS", why: "read-only root filesystems (service)" },
  { identifier: "ECS_CONTAINERS_NONPRIVILEGED", why: "no privileged container (service)" },
  { identifier: "S3_BUCKET_SSL_REQUESTS_ONLY", why: "every bucket policy denies plain HTTP (secure bucket)" },
  { identifier: "ECR_PRIVATE_IMAGE_SCANNING_ENABLED", why: "scan on push in every repository (service)" },
  {
    identifier: "CLOUDWATCH_ALARM_ACTION_CHECK",
    why: "every alarm notifies a topic when it fires (monitoring, audit)",
    // Our alarms notify on ALARM; OK and INSUFFICIENT_DATA actions are not required.
    parameters: {
      alarmActionRequired: "true",
      insufficientDataActionRequired: "false",
      okActionRequired: "false",
    },
  },
];

/** `ECS_CONTAINERS_READONLY_ACCESS` → `ecs-containers-readonly-access`. */
export const ruleSlug = (identifier: string) => identifier.toLowerCase().replace(/_/g, "-");

export interface ConfigRulesProps {
  readonly context: StackContext;
  /** What the rules wait for: the recorder, when the stack creates it. @default nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/** The managed rules of MANAGED_RULES, each named `<prefix>-<rule>`. */
export class ConfigRules extends Construct {
  readonly ruleNames: string[] = [];

  constructor(scope: Construct, id: string, props: ConfigRulesProps) {
    super(scope, id);
    const ctx = props.context;
    for (const rule of MANAGED_RULES) {
      const slug = ruleSlug(rule.identifier);
      const resource = new ConfigConfigRule(this, slug, {
        name: ctx.naming.name("generic", slug),
        description: `Expected compliant: ${rule.why}`,
        source: { owner: "AWS", sourceIdentifier: rule.identifier },
        inputParameters: rule.parameters ? JSON.stringify(rule.parameters) : undefined,
        // A rule cannot be created before the region has a recorder.
        dependsOn: props.dependsOn && props.dependsOn.length > 0 ? props.dependsOn : undefined,
      });
      this.ruleNames.push(resource.name);
    }
  }
}
