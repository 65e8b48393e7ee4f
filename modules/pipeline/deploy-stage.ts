import type { CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import type { Construct } from "constructs";
import { arn } from "../../constructs/context";
import type { KmsKey } from "../../constructs/kms-key";
import type { PolicyStatement } from "../../constructs/policy";
import type { SecureBucket } from "../../constructs/secure-bucket";
import { BlueGreenDeployment } from "./blue-green";
import { BUILD_OUTPUT, DEPLOY_BUILDSPEC_PATH, DEPLOY_ENV } from "./build-contract";
import { BuildProject } from "./build-project";
import type { DeliveryPipelineProps } from "./pipeline";

/** The Deploy stage's action, the projects it runs and what the pipeline role needs for it. */
export function deployStage(
  scope: Construct,
  props: DeliveryPipelineProps,
  shared: { key: KmsKey; artifacts: SecureBucket; passTaskRoles: PolicyStatement; serviceArn: string },
): {
  projectArns: string[];
  pipelineStatements: PolicyStatement[];
  action: CodepipelineStageAction;
  blueGreen?: BlueGreenDeployment;
} {
  const ctx = props.context;
  const svc = props.service;
  if (props.mode === "rolling") {
    const deploy = new BuildProject(scope, "deploy", {
      context: ctx,
      name: `${props.name}-deploy`,
      description: `registers the rendered ${props.name} task definition and updates the service`,
      buildspec: DEPLOY_BUILDSPEC_PATH,
      architecture: svc.cpuArchitecture,
      environment: { [DEPLOY_ENV.cluster]: svc.clusterName, [DEPLOY_ENV.service]: svc.serviceName },
      statements: [
        // RegisterTaskDefinition takes no resource: "*" only.
        { sid: "RegisterRevision", actions: ["ecs:RegisterTaskDefinition"], resources: ["*"] },
        {
          sid: "UpdateService",
          actions: ["ecs:UpdateService", "ecs:DescribeServices"],
          resources: [shared.serviceArn],
        },
        shared.passTaskRoles,
      ],
      kmsKeyArn: shared.key.arn,
      artifactBucketArn: shared.artifacts.arn,
      logsKmsKeyArn: props.logsKmsKeyArn,
      logRetentionDays: props.settings.logRetentionDays,
    });
    return {
      projectArns: [deploy.arn],
      pipelineStatements: [],
      action: {
        name: "RollingDeploy",
        category: "Build",
        owner: "AWS",
        provider: "CodeBuild",
        version: "1",
        inputArtifacts: ["build"],
        configuration: { ProjectName: deploy.name },
      },
    };
  }
  const lb = props.loadBalancer;
  if (!lb.testListenerArn || lb.targetGroups.length !== 2) {
    throw new Error(`pipeline ${props.name}: blue/green needs a test listener and two target groups`);
  }
  const bg = new BlueGreenDeployment(scope, "blue-green", {
    context: ctx,
    name: props.name,
    clusterName: svc.clusterName,
    serviceName: svc.serviceName,
    productionListenerArn: lb.productionListenerArn,
    testListenerArn: lb.testListenerArn,
    ruleArns: lb.ruleArns,
    targetGroups: lb.targetGroups,
    trafficShift: props.blueGreen.trafficShift,
    terminationWaitMinutes: props.blueGreen.terminationWaitMinutes,
    rollbackAlarms: props.rollbackAlarms,
    taskRoleArns: svc.taskRoleArns,
  });
  return {
    blueGreen: bg,
    projectArns: [],
    pipelineStatements: [
      {
        sid: "CreateDeployment",
        actions: ["codedeploy:CreateDeployment", "codedeploy:GetDeployment"],
        resources: [bg.deploymentGroupArn],
      },
      {
        sid: "ApplicationRevisions",
        actions: [
          "codedeploy:GetApplication",
          "codedeploy:GetApplicationRevision",
          "codedeploy:RegisterApplicationRevision",
        ],
        resources: [bg.applicationArn],
      },
      {
        sid: "DeploymentConfig",
        actions: ["codedeploy:GetDeploymentConfig"],
        resources: [arn(ctx, "codedeploy", `deploymentconfig:${bg.deploymentConfigName}`)],
      },
      // The CodeDeployToECS action registers the task definition; RegisterTaskDefinition takes only "*".
      { sid: "RegisterRevision", actions: ["ecs:RegisterTaskDefinition"], resources: ["*"] },
      shared.passTaskRoles,
    ],
    action: {
      name: "BlueGreenDeploy",
      category: "Deploy",
      owner: "AWS",
      provider: "CodeDeployToECS",
      version: "1",
      inputArtifacts: ["build"],
      configuration: {
        ApplicationName: bg.applicationName,
        DeploymentGroupName: bg.deploymentGroupName,
        TaskDefinitionTemplateArtifact: "build",
        TaskDefinitionTemplatePath: BUILD_OUTPUT.taskDefinition,
        AppSpecTemplateArtifact: "build",
        AppSpecTemplatePath: BUILD_OUTPUT.appSpec,
      },
    },
  };
}
