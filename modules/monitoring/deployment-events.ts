import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";

export interface DeploymentEventsProps {
  readonly context: StackContext;
  /** Name parts of the rule, e.g. the service's name. */
  readonly name: string;
  readonly clusterArn: string;
  readonly topicArn: string;
}

/** ECS events worth a person's attention (a failed deployment, tasks that cannot start) → the alarm topic. */
export class DeploymentEvents extends Construct {
  readonly ruleName: string;

  constructor(scope: Construct, id: string, props: DeploymentEventsProps) {
    super(scope, id);
    this.ruleName = props.context.naming.name("generic", props.name, "deployment-events");
    const pattern = {
      source: ["aws.ecs"],
      "detail-type": ["ECS Deployment State Change", "ECS Service Action"],
      detail: {
        clusterArn: [props.clusterArn],
        eventName: [
          "SERVICE_DEPLOYMENT_FAILED",
          "SERVICE_TASK_START_IMPAIRED",
          "SERVICE_TASK_PLACEMENT_FAILURE",
        ],
      },
    };
    const rule = new CloudwatchEventRule(this, "rule", {
      name: this.ruleName,
      description: "Failed deployments and tasks that cannot start or be placed",
      eventPattern: JSON.stringify(pattern),
    });
    new CloudwatchEventTarget(this, "to-topic", { rule: rule.name, arn: props.topicArn });
  }
}
