import { Codepipeline, type CodepipelineStage } from "@cdktf/provider-aws/lib/codepipeline";
import { CodestarconnectionsConnection } from "@cdktf/provider-aws/lib/codestarconnections-connection";
import { CodestarnotificationsNotificationRule } from "@cdktf/provider-aws/lib/codestarnotifications-notification-rule";
import { EcrPullThroughCacheRule } from "@cdktf/provider-aws/lib/ecr-pull-through-cache-rule";
import { Construct } from "constructs";
import { AccessLogBucket } from "../../constructs/access-log-bucket";
import { arn, type StackContext } from "../../constructs/context";
import { ImageRepositories, type ImageRepository } from "../../constructs/image-repositories";
import { KmsKey } from "../../constructs/kms-key";
import { fitName } from "../../constructs/naming";
import type { PolicyStatement } from "../../constructs/policy";
import { SecureBucket } from "../../constructs/secure-bucket";
import { ServiceRole } from "../../constructs/service-role";
import type { BlueGreenDeployment, RollbackAlarm, TrafficShift } from "./blue-green";
import { BUILD_ENV, BUILDSPEC_PATH } from "./build-contract";
import { BuildProject } from "./build-project";
import { deployStage } from "./deploy-stage";

export interface PipelineSettings {
  readonly repository: string;
  readonly branch: string;
  readonly connectionArn?: string;
  /**
   * The connection another service's pipeline of the environment created (its `connection_arn` attribute):
   * used instead of creating one, so one approval serves both. @default none
   */
  readonly sharedConnectionArn?: string;
  readonly filePaths: string[];
  readonly executionMode: "QUEUED" | "SUPERSEDED";
  readonly manualApproval: boolean;
  readonly baseImageSource: "ecr-public" | "pull-through-cache";
  readonly dockerHubCredentialsArn?: string;
  readonly logRetentionDays: number;
  readonly artifactRetentionDays: number;
}

export interface DeliveryPipelineProps {
  readonly context: StackContext;
  /** The service's name in config. */
  readonly name: string;
  readonly settings: PipelineSettings;
  readonly mode: "rolling" | "blueGreen";
  readonly blueGreen: { readonly trafficShift: TrafficShift; readonly terminationWaitMinutes: number };
  readonly service: {
    readonly clusterName: string;
    readonly serviceName: string;
    /** The revision Terraform registered: the template every deployment starts from. */
    readonly templateTaskDefinitionArn: string;
    readonly taskRoleArns: string[];
    readonly front: { readonly name: string; readonly port: number };
    /** The service's repositories by container name (web, app; or node). */
    readonly repositories: Readonly<Record<string, ImageRepository>>;
    readonly containers: "nginx-uwsgi" | "single";
    readonly cpuArchitecture: "X86_64" | "ARM64";
    readonly keepImages: number;
  };
  readonly loadBalancer: {
    readonly productionListenerArn: string;
    readonly testListenerArn?: string;
    /** The service's listener rules (production, and test for blue/green), which a blue/green shift rewrites. */
    readonly ruleArns: readonly string[];
    readonly targetGroups: readonly { readonly name: string; readonly arn: string }[];
  };
  /** Monitoring's rollback alarms, by their attributes. */
  readonly rollbackAlarms: readonly RollbackAlarm[];
  /** Approval requests and pipeline notifications go here. */
  readonly topicArn: string;
  /**
   * The topic's customer-managed key: the pipeline role publishes the approval request itself, so it needs
   * the key as well as sns:Publish. @default none (an existing topic without a customer-managed key)
   */
  readonly topicKeyArn?: string;
  readonly logsKmsKeyArn: string;
}

/** Amazon's mirror of Docker Hub's official images, which does not rate-limit builds. */
const ECR_PUBLIC_LIBRARY = "public.ecr.aws/docker/library";
const PULL_THROUGH_PREFIX = "docker-hub";
/** ECR's limit on a pull-through cache rule's repository prefix. */
const PULL_THROUGH_PREFIX_LIMIT = 30;

/**
 * From a push to production: CodePipeline (V2, push trigger with path filters) takes the source through a
 * CodeConnections connection, CodeBuild tests and builds the images (base images only when their inputs
 * change), an optional manual approval, then a rolling deploy (CodeBuild registers the rendered task
 * definition and updates the service) or a CodeDeploy blue/green deployment. Every role names its resources.
 */
export class DeliveryPipeline extends Construct {
  readonly pipelineName: string;
  readonly connectionArn: string;
  /** PENDING until someone approves the connection once in the console (created connections only). */
  readonly connectionStatus?: string;
  readonly blueGreen?: BlueGreenDeployment;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    const ctx = props.context;
    const s = props.settings;
    const svc = props.service;
    const pipelineName = ctx.naming.name("generic", props.name);
    // Rebuilt, not the pipeline's attribute: the pipeline uses the role whose trust names it (a cycle).
    const pipelineArn = arn(ctx, "codepipeline", pipelineName);

    const key = new KmsKey(this, "key", {
      context: ctx,
      purpose: `${props.name}-pipeline`,
      description: `Pipeline artifacts and builds of ${ctx.naming.prefix}-${props.name}`,
    });
    const artifacts = new SecureBucket(this, "artifacts", {
      context: ctx,
      purpose: `${props.name}-pipeline`,
      encryption: { kmsKeyArn: key.arn },
      expireAfterDays: s.artifactRetentionDays,
      noncurrentVersionDays: 1,
    });
    // Who read or replaced what was built and deployed, kept as long as the build logs.
    new AccessLogBucket(this, "artifacts-access-logs", {
      context: ctx,
      purpose: `${props.name}-pipeline-access`,
      expireAfterDays: s.logRetentionDays,
      sources: [{ bucket: artifacts, prefix: "artifacts/" }],
    });

    const given = s.connectionArn ?? s.sharedConnectionArn;
    if (given) {
      this.connectionArn = given;
    } else {
      const connection = new CodestarconnectionsConnection(this, "connection", {
        name: fitName(ctx.naming.name("generic", props.name), 32),
        providerType: "GitHub",
      });
      this.connectionArn = connection.arn;
      this.connectionStatus = connection.connectionStatus;
    }
    // A connection's actions carry the prefix of its ARN's service (the service was renamed in 2024).
    const connectionService = s.connectionArn?.split(":")[2] ?? "codestar-connections";

    const baseRepos = new ImageRepositories(this, "base-repositories", {
      context: ctx,
      prefix: `${ctx.naming.prefix}/${props.name}`,
      names: svc.containers === "single" ? [] : ["web-base", "app-base"],
      kmsKeyArn: key.arn,
      keepImages: 10,
    }).repositories;
    const allRepos = [...Object.values(svc.repositories), ...Object.values(baseRepos)];
    const registry = `${ctx.account}.dkr.ecr.${ctx.region}.${ctx.dnsSuffix}`;

    const pullThrough = s.baseImageSource === "pull-through-cache";
    // One rule per service's pipeline: a prefix is unique in the registry, so it carries the service's name.
    const cachePrefix = fitName(
      `${ctx.naming.prefix}-${props.name}-${PULL_THROUGH_PREFIX}`,
      PULL_THROUGH_PREFIX_LIMIT,
    );
    if (pullThrough) {
      new EcrPullThroughCacheRule(this, "docker-hub-cache", {
        ecrRepositoryPrefix: cachePrefix,
        upstreamRegistryUrl: "registry-1.docker.io",
        credentialArn: s.dockerHubCredentialsArn,
      });
    }
    const cacheRepos = arn(ctx, "ecr", `repository/${cachePrefix}/*`);

    const buildStatements: PolicyStatement[] = [
      // GetAuthorizationToken has no resource type: IAM accepts only "*".
      { sid: "EcrAuthorization", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
      {
        sid: "PushAndPullServiceImages",
        actions: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
          "ecr:DescribeImages",
          "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload",
          "ecr:PutImage",
        ],
        resources: allRepos.map((r) => r.arn),
      },
      // DescribeTaskDefinition takes no resource: "*" only. It reads the template revision.
      { sid: "ReadTemplateTaskDefinition", actions: ["ecs:DescribeTaskDefinition"], resources: ["*"] },
      ...(pullThrough
        ? [
            {
              sid: "PullThroughDockerHubCache",
              actions: [
                "ecr:CreateRepository",
                "ecr:BatchImportUpstreamImage",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
              ],
              resources: [cacheRepos],
            },
          ]
        : []),
    ];
    const repoEnv = (container: string) =>
      baseRepos[container]?.name ?? svc.repositories[container]?.name ?? "";
    const build = new BuildProject(this, "build", {
      context: ctx,
      name: `${props.name}-build`,
      description: `tests and builds the ${props.name} images`,
      buildspec: BUILDSPEC_PATH,
      privileged: true,
      architecture: svc.cpuArchitecture,
      environment: {
        [BUILD_ENV.registry]: registry,
        [BUILD_ENV.webRepository]: repoEnv("web"),
        [BUILD_ENV.appRepository]: repoEnv("app"),
        [BUILD_ENV.webBaseRepository]: repoEnv("web-base"),
        [BUILD_ENV.appBaseRepository]: repoEnv("app-base"),
        [BUILD_ENV.singleRepository]: repoEnv("node"),
        [BUILD_ENV.baseImageRegistry]: pullThrough
          ? `${registry}/${cachePrefix}/library`
          : ECR_PUBLIC_LIBRARY,
        [BUILD_ENV.templateTaskDefinitionArn]: svc.templateTaskDefinitionArn,
        [BUILD_ENV.deploymentMode]: props.mode,
        [BUILD_ENV.containerName]: svc.front.name,
        [BUILD_ENV.containerPort]: String(svc.front.port),
      },
      statements: buildStatements,
      kmsKeyArn: key.arn,
      artifactBucketArn: artifacts.arn,
      logsKmsKeyArn: props.logsKmsKeyArn,
      logRetentionDays: s.logRetentionDays,
      timeoutMinutes: 60,
    });

    const passTaskRoles: PolicyStatement = {
      sid: "PassTaskRolesToEcs",
      actions: ["iam:PassRole"],
      resources: svc.taskRoleArns,
      conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    };
    const serviceArn = arn(ctx, "ecs", `service/${svc.clusterName}/${svc.serviceName}`);
    const deployAction = deployStage(this, props, { key, artifacts, passTaskRoles, serviceArn });
    this.blueGreen = deployAction.blueGreen;

    const pipelineStatements: PolicyStatement[] = [
      {
        sid: "Artifacts",
        actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
        resources: [`${artifacts.arn}/*`],
      },
      {
        sid: "ArtifactBucket",
        actions: ["s3:GetBucketVersioning", "s3:GetBucketLocation"],
        resources: [artifacts.arn],
      },
      { sid: "ArtifactKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [key.arn] },
      { sid: "Source", actions: [`${connectionService}:UseConnection`], resources: [this.connectionArn] },
      {
        sid: "Builds",
        actions: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
        resources: [build.arn, ...deployAction.projectArns],
      },
      ...deployAction.pipelineStatements,
      ...(s.manualApproval ? announceApproval(props.topicArn, props.topicKeyArn) : []),
    ];
    const role = new ServiceRole(this, "role", {
      context: ctx,
      name: `${props.name}-pipeline`,
      description: `CodePipeline runs the ${props.name} pipeline`,
      service: "codepipeline.amazonaws.com",
      trustConditions: {
        StringEquals: { "aws:SourceAccount": ctx.account },
        ArnLike: { "aws:SourceArn": pipelineArn },
      },
      statements: pipelineStatements,
    });

    const stages: CodepipelineStage[] = [
      {
        name: "Source",
        action: [
          {
            name: "Source",
            category: "Source",
            owner: "AWS",
            provider: "CodeStarSourceConnection",
            version: "1",
            outputArtifacts: ["source"],
            configuration: {
              ConnectionArn: this.connectionArn,
              FullRepositoryId: s.repository,
              BranchName: s.branch,
              OutputArtifactFormat: "CODE_ZIP",
              // The trigger below starts runs (with its path filters); the action itself must not.
              DetectChanges: "false",
            },
          },
        ],
      },
      {
        name: "Build",
        action: [
          {
            name: "TestAndBuildImages",
            category: "Build",
            owner: "AWS",
            provider: "CodeBuild",
            version: "1",
            inputArtifacts: ["source"],
            outputArtifacts: ["build"],
            configuration: { ProjectName: build.name },
          },
        ],
      },
      ...(s.manualApproval
        ? [
            {
              name: "Approve",
              action: [
                {
                  name: "Approve",
                  category: "Approval",
                  owner: "AWS",
                  provider: "Manual",
                  version: "1",
                  configuration: {
                    NotificationArn: props.topicArn,
                    CustomData: `Deploy the new ${props.name} images to ${ctx.naming.prefix}?`,
                  },
                },
              ],
            },
          ]
        : []),
      { name: "Deploy", action: [deployAction.action] },
    ];
    const pipeline = new Codepipeline(this, "pipeline", {
      name: pipelineName,
      pipelineType: "V2",
      executionMode: s.executionMode,
      roleArn: role.arn,
      artifactStore: [{ location: artifacts.name, type: "S3", encryptionKey: { id: key.arn, type: "KMS" } }],
      stage: stages,
      trigger: [
        {
          providerType: "CodeStarSourceConnection",
          gitConfiguration: {
            sourceActionName: "Source",
            push: [{ branches: { includes: [s.branch] }, filePaths: { includes: s.filePaths } }],
          },
        },
      ],
      dependsOn: [role.role],
    });
    this.pipelineName = pipeline.name;

    new CodestarnotificationsNotificationRule(this, "notifications", {
      name: fitName(ctx.naming.name("generic", props.name, "pipeline"), 64),
      resource: pipeline.arn,
      detailType: "BASIC",
      eventTypeIds: [
        "codepipeline-pipeline-pipeline-execution-failed",
        "codepipeline-pipeline-pipeline-execution-succeeded",
        "codepipeline-pipeline-manual-approval-needed",
      ],
      target: [{ address: props.topicArn, type: "SNS" }],
    });
  }
}

/** The role that publishes the approval request to the topic also encrypts it with the topic's key. */
function announceApproval(topicArn: string, topicKeyArn?: string): PolicyStatement[] {
  return [
    { sid: "AnnounceApproval", actions: ["sns:Publish"], resources: [topicArn] },
    ...(topicKeyArn
      ? [
          {
            sid: "EncryptForTopic",
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: [topicKeyArn],
          },
        ]
      : []),
  ];
}
