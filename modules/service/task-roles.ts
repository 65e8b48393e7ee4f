import { Construct } from "constructs";
import { arn, type StackContext } from "../../constructs/context";
import type { PolicyStatement } from "../../constructs/policy";
import { ServiceRole } from "../../constructs/service-role";

export interface TaskRolesProps {
  readonly context: StackContext;
  /** Role name prefix parts, e.g. ["site"]. */
  readonly service: string;
  /** ARNs of the repositories the tasks pull from. */
  readonly repositoryArns: string[];
  /** ARNs of the log groups the containers write to. */
  readonly logGroupArns: string[];
  /** SSM parameter and Secrets Manager ARNs injected into containers. */
  readonly secretArns: string[];
  /** Keys those secrets are encrypted with. */
  readonly secretKeyArns: string[];
  /** What the application may do; nothing by default. */
  readonly taskStatements: PolicyStatement[];
  /** ECS Exec: the session log group and the key sessions and logs are encrypted with. @default off */
  readonly exec?: { readonly logGroupArn: string; readonly kmsKeyArn: string };
}

/** `ssm.<region>.amazonaws.com` and the like: the services that read the secrets, each once. */
function viaServices(secretArns: string[]): string[] {
  return [...new Set(secretArns.map((a) => `${a.split(":")[2]}.${a.split(":")[3]}.amazonaws.com`))].sort();
}

/**
 * The execution role (ECS pulls images, writes logs, reads secrets: exactly these) and the task role
 * (what the application may do: nothing unless config says so).
 */
export class TaskRoles extends Construct {
  readonly executionRole: ServiceRole;
  readonly taskRole: ServiceRole;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);
    const ctx = props.context;
    const trustConditions = {
      StringEquals: { "aws:SourceAccount": ctx.account },
      ArnLike: { "aws:SourceArn": arn(ctx, "ecs", "*") },
    };
    const execution: PolicyStatement[] = [
      {
        sid: "EcrAuthorization",
        actions: ["ecr:GetAuthorizationToken"],
        // GetAuthorizationToken has no resource type: IAM accepts only "*".
        resources: ["*"],
      },
    ];
    if (props.repositoryArns.length > 0) {
      execution.push({
        sid: "PullServiceImages",
        actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        resources: props.repositoryArns,
      });
    }
    execution.push({
      sid: "WriteContainerLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: props.logGroupArns.map((g) => `${g}:log-stream:*`),
    });
    const parameters = props.secretArns.filter((a) => a.includes(":ssm:"));
    const secrets = props.secretArns.filter((a) => a.includes(":secretsmanager:"));
    if (parameters.length > 0) {
      execution.push({ sid: "ReadParameters", actions: ["ssm:GetParameters"], resources: parameters });
    }
    if (secrets.length > 0) {
      execution.push({ sid: "ReadSecrets", actions: ["secretsmanager:GetSecretValue"], resources: secrets });
    }
    if (props.secretKeyArns.length > 0) {
      execution.push({
        sid: "DecryptSecrets",
        actions: ["kms:Decrypt"],
        resources: props.secretKeyArns,
        // Only on behalf of the services that hold the secrets, never a direct Decrypt call.
        conditions: { StringEquals: { "kms:ViaService": viaServices(props.secretArns) } },
      });
    }
    this.executionRole = new ServiceRole(this, "execution", {
      context: ctx,
      name: `${props.service}-execution`,
      description: `ECS pulls the ${props.service} images, writes their logs and reads their secrets`,
      service: "ecs-tasks.amazonaws.com",
      trustConditions,
      statements: execution,
    });

    const task = [...props.taskStatements];
    if (props.exec) {
      task.push(
        {
          sid: "ExecSessionChannels",
          actions: [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
          ],
          // ssmmessages has no resource types: IAM accepts only "*".
          resources: ["*"],
        },
        {
          sid: "ExecSessionLogGroupCheck",
          actions: ["logs:DescribeLogGroups"],
          // DescribeLogGroups is authorized on the account's log groups as a whole: "*" only.
          resources: ["*"],
        },
        {
          sid: "ExecSessionLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [props.exec.logGroupArn, `${props.exec.logGroupArn}:log-stream:*`],
        },
        {
          sid: "ExecSessionKey",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [props.exec.kmsKeyArn],
        },
      );
    }
    this.taskRole = new ServiceRole(this, "task", {
      context: ctx,
      name: `${props.service}-task`,
      description: `What the ${props.service} application may do in AWS`,
      service: "ecs-tasks.amazonaws.com",
      trustConditions,
      statements: task,
    });
  }
}
