import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Construct } from "constructs";
import { arn, type StackContext } from "../../constructs/context";
import { EncryptedLogGroup } from "../../constructs/log-group";
import type { PolicyStatement } from "../../constructs/policy";
import { ServiceRole } from "../../constructs/service-role";
import { CODEBUILD_IMAGES } from "./build-contract";

export interface BuildProjectProps {
  readonly context: StackContext;
  /** Project name parts after the environment prefix, e.g. "site-build". */
  readonly name: string;
  readonly description: string;
  /** Path of the buildspec in the source. */
  readonly buildspec: string;
  /** Docker-in-Docker: only the project that builds images. @default false */
  readonly privileged?: boolean;
  readonly architecture: "X86_64" | "ARM64";
  /** Plain (non-secret) environment variables. */
  readonly environment: Record<string, string>;
  /** What the build may do beyond its logs and the pipeline's artifacts. */
  readonly statements: PolicyStatement[];
  /** Pipeline key: encrypts artifacts and must be the project's own (or CodeBuild uses another). */
  readonly kmsKeyArn: string;
  readonly artifactBucketArn: string;
  /** Key of the build log group. */
  readonly logsKmsKeyArn: string;
  readonly logRetentionDays: number;
  /** Minutes before a build is stopped. @default 30 */
  readonly timeoutMinutes?: number;
}

/** A CodeBuild project run by the pipeline, with its own role (exactly what it needs) and log group. */
export class BuildProject extends Construct {
  readonly project: CodebuildProject;
  readonly name: string;
  readonly arn: string;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: BuildProjectProps) {
    super(scope, id);
    const ctx = props.context;
    const name = ctx.naming.name("generic", props.name);
    // Rebuilt, not the project's attribute: the project uses this role, so a reference would be a cycle.
    const projectArn = arn(ctx, "codebuild", `project/${name}`);
    const logs = new EncryptedLogGroup(this, "logs", {
      context: ctx,
      name: ctx.naming.logGroupName("codebuild", props.name),
      retentionDays: props.logRetentionDays,
      kmsKeyArn: props.logsKmsKeyArn,
      protect: false,
    });
    this.role = new ServiceRole(this, "role", {
      context: ctx,
      name: props.name,
      description: `CodeBuild: ${props.description}`,
      service: "codebuild.amazonaws.com",
      trustConditions: {
        StringEquals: { "aws:SourceAccount": ctx.account },
        ArnLike: { "aws:SourceArn": projectArn },
      },
      statements: [
        {
          sid: "WriteBuildLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [logs.streamsArn],
        },
        {
          sid: "ReadAndWriteArtifacts",
          actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
          resources: [`${props.artifactBucketArn}/*`],
        },
        {
          sid: "UseArtifactKey",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [props.kmsKeyArn],
        },
        ...props.statements,
      ],
    });
    const image = CODEBUILD_IMAGES[props.architecture];
    this.project = new CodebuildProject(this, "project", {
      name,
      description: props.description,
      serviceRole: this.role.arn,
      encryptionKey: props.kmsKeyArn,
      buildTimeout: props.timeoutMinutes ?? 30,
      source: { type: "CODEPIPELINE", buildspec: props.buildspec },
      artifacts: { type: "CODEPIPELINE" },
      environment: {
        type: image.type,
        image: image.image,
        computeType: "BUILD_GENERAL1_MEDIUM",
        imagePullCredentialsType: "CODEBUILD",
        // Docker builds need a privileged container: only the image-build project asks for it.
        privilegedMode: props.privileged ?? false,
        environmentVariable: Object.entries(props.environment).map(([name, value]) => ({
          name,
          value,
          type: "PLAINTEXT",
        })),
      },
      cache: props.privileged ? { type: "LOCAL", modes: ["LOCAL_DOCKER_LAYER_CACHE"] } : undefined,
      logsConfig: {
        cloudwatchLogs: { groupName: logs.name, status: "ENABLED" },
        s3Logs: { status: "DISABLED" },
      },
    });
    this.name = this.project.name;
    this.arn = this.project.arn;
  }
}
