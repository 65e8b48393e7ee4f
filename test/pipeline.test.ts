import {
  BUILD_ENV,
  BUILD_OUTPUT,
  BUILDSPEC_PATH,
  DEPLOY_BUILDSPEC_PATH,
} from "../modules/pipeline/build-contract";
import {
  loadConfig,
  policyOf,
  ref,
  resourceNamed,
  resourcesOf,
  type StackJson,
  synthConfig,
  withoutServices,
} from "./support/synth";

describe.each(["dev", "prod"])("the %s delivery pipeline", (env) => {
  const config = loadConfig(`config/${env}.yaml`);
  const blueGreen = env === "prod";
  let json: StackJson;
  let pipeline: Record<string, any>;
  const stage = (name: string) => pipeline.stage.find((s: any) => s.name === name);
  /** `${type.<the one resource whose logical name contains part>.attr}` */
  const refTo = (type: string, part: string, attr: string) =>
    ref(type, resourcesOf(json, type).filter(([n]) => n.includes(part))[0][0], attr);
  beforeAll(() => {
    // The site's view; the api beside it: test/service-instances.test.ts.
    json = withoutServices(synthConfig(config), ["api"]);
    [[, pipeline]] = resourcesOf(json, "aws_codepipeline");
  });

  it("is a V2 pipeline started by pushes to the branch that touch the image sources", () => {
    expect(pipeline).toMatchObject({
      pipeline_type: "V2",
      execution_mode: config.services[0].pipeline.executionMode,
    });
    expect(pipeline.trigger).toEqual([
      {
        provider_type: "CodeStarSourceConnection",
        git_configuration: {
          source_action_name: "Source",
          push: [
            {
              branches: { includes: [config.services[0].pipeline.branch] },
              file_paths: { includes: ["docker/**", "test/docker/**", "package-lock.json"] },
            },
          ],
        },
      },
    ]);
  });

  it("takes the source through a CodeConnections connection the stack creates (PENDING until approved)", () => {
    const [[connName, conn]] = resourcesOf(json, "aws_codestarconnections_connection");
    expect(conn.provider_type).toBe("GitHub");
    expect(conn.name.length).toBeLessThanOrEqual(32);
    expect(stage("Source").action[0]).toMatchObject({
      provider: "CodeStarSourceConnection",
      configuration: {
        ConnectionArn: ref("aws_codestarconnections_connection", connName, "arn"),
        FullRepositoryId: config.services[0].pipeline.repository,
        BranchName: config.services[0].pipeline.branch,
        DetectChanges: "false",
      },
    });
    // Keyed by service: the api's pipeline has a connection of its own.
    const status = json.output?.connection_status.value;
    expect(Object.keys(status).sort()).toEqual(["api", "site"]);
    expect(status.site).toBe(ref("aws_codestarconnections_connection", connName, "connection_status"));
  });

  it(`runs ${blueGreen ? "source, build, a manual approval announced on the topic, deploy" : "source, build, deploy (no approval outside production)"}`, () => {
    expect(pipeline.stage.map((s: any) => s.name)).toEqual(
      blueGreen ? ["Source", "Build", "Approve", "Deploy"] : ["Source", "Build", "Deploy"],
    );
    if (blueGreen) {
      expect(stage("Approve").action[0]).toMatchObject({
        category: "Approval",
        provider: "Manual",
        configuration: { NotificationArn: refTo("aws_sns_topic", "monitoring_topic_", "arn") },
      });
    }
  });

  it("keeps artifacts in a private, TLS-only bucket encrypted with the pipeline's own key, which every build project also uses", () => {
    const [[keyName]] = resourcesOf(json, "aws_kms_key").filter(([n]) => n.startsWith("pipeline_key"));
    const keyArn = ref("aws_kms_key", keyName, "arn");
    expect(pipeline.artifact_store[0].encryption_key).toEqual({ id: keyArn, type: "KMS" });
    const sse = resourceNamed(
      json,
      "aws_s3_bucket_server_side_encryption_configuration",
      "pipeline_artifacts_",
    );
    expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: "aws:kms",
      kms_master_key_id: keyArn,
    });
    expect(
      policyOf(resourceNamed(json, "aws_s3_bucket_policy", "pipeline_artifacts_").policy).Statement[0].Sid,
    ).toBe("DenyInsecureTransport");
    const lifecycle = resourceNamed(json, "aws_s3_bucket_lifecycle_configuration", "pipeline_artifacts_");
    expect(lifecycle.rule[0].expiration).toEqual([
      { days: config.services[0].pipeline.artifactRetentionDays },
    ]);
    for (const [, project] of resourcesOf(json, "aws_codebuild_project"))
      expect(project.encryption_key).toBe(keyArn);
  });

  it("builds in a privileged project only where docker needs it, on the task's architecture, logging to an encrypted group", () => {
    const build = resourceNamed(json, "aws_codebuild_project", "pipeline_build_project");
    expect(build.environment).toMatchObject({
      privileged_mode: true,
      image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
      type: "LINUX_CONTAINER",
    });
    expect(build.source).toEqual({ type: "CODEPIPELINE", buildspec: BUILDSPEC_PATH });
    for (const [name, project] of resourcesOf(json, "aws_codebuild_project")) {
      if (!name.includes("pipeline_build_")) expect(project.environment.privileged_mode).toBe(false);
      const group = project.logs_config.cloudwatch_logs.group_name;
      const logGroup = resourcesOf(json, "aws_cloudwatch_log_group").find(
        ([n]) => group === ref("aws_cloudwatch_log_group", n, "name"),
      )?.[1];
      expect(logGroup).toMatchObject({ retention_in_days: config.services[0].pipeline.logRetentionDays });
      expect(logGroup?.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    }
  });

  it("hands the build the template task definition, the repositories and the front container, and no secret", () => {
    const build = resourceNamed(json, "aws_codebuild_project", "pipeline_build_project");
    const vars = Object.fromEntries(build.environment.environment_variable.map((v: any) => [v.name, v]));
    for (const v of Object.values(vars) as any[]) expect(v.type).toBe("PLAINTEXT");
    const [[taskDef]] = resourcesOf(json, "aws_ecs_task_definition");
    expect(vars[BUILD_ENV.templateTaskDefinitionArn].value).toBe(
      ref("aws_ecs_task_definition", taskDef, "arn"),
    );
    expect(vars[BUILD_ENV.deploymentMode].value).toBe(config.services[0].deployment.mode);
    expect(vars[BUILD_ENV.webRepository].value).toBe(
      refTo("aws_ecr_repository", "repositories_web_", "name"),
    );
    expect(vars[BUILD_ENV.appBaseRepository].value).toBe(
      refTo("aws_ecr_repository", "repositories_app-base_", "name"),
    );
    expect(vars[BUILD_ENV.baseImageRegistry].value).toBe("public.ecr.aws/docker/library");
    // The AppSpec the build writes names the container and port the service's load balancer uses.
    const [[, service]] = resourcesOf(json, "aws_ecs_service");
    expect([vars[BUILD_ENV.containerName].value, vars[BUILD_ENV.containerPort].value]).toEqual([
      service.load_balancer[0].container_name,
      String(service.load_balancer[0].container_port),
    ]);
    for (const v of Object.values(vars) as any[]) expect(v.name).not.toMatch(/SECRET|PASSWORD|TOKEN/);
  });

  it("keeps base images in repositories of their own, encrypted, immutable and scanned", () => {
    const base = resourcesOf(json, "aws_ecr_repository").filter(([n]) => n.startsWith("pipeline_"));
    expect(base.map(([, r]) => r.name).sort()).toEqual([
      `fws-${env}/site/app-base`,
      `fws-${env}/site/web-base`,
    ]);
    for (const [, r] of base)
      expect(r).toMatchObject({
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
      });
  });

  it("notifies the topic when a run fails or succeeds and when an approval is needed", () => {
    const [[, rule]] = resourcesOf(json, "aws_codestarnotifications_notification_rule");
    expect(rule.event_type_ids).toEqual([
      "codepipeline-pipeline-pipeline-execution-failed",
      "codepipeline-pipeline-pipeline-execution-succeeded",
      "codepipeline-pipeline-manual-approval-needed",
    ]);
    expect(rule.target).toEqual([
      { address: refTo("aws_sns_topic", "monitoring_topic_", "arn"), type: "SNS" },
    ]);
  });

  if (!blueGreen) {
    it("deploys rolling: a CodeBuild project registers the rendered revision and updates the service", () => {
      const deploy = resourceNamed(json, "aws_codebuild_project", "pipeline_deploy_project");
      expect(deploy.source.buildspec).toBe(DEPLOY_BUILDSPEC_PATH);
      expect(deploy.environment.environment_variable).toEqual([
        { name: "CLUSTER_NAME", value: refTo("aws_ecs_cluster", "cluster", "name"), type: "PLAINTEXT" },
        { name: "SERVICE_NAME", value: refTo("aws_ecs_service", "service", "name"), type: "PLAINTEXT" },
      ]);
      expect(stage("Deploy").action[0]).toMatchObject({ provider: "CodeBuild", input_artifacts: ["build"] });
      expect(resourcesOf(json, "aws_codedeploy_deployment_group")).toEqual([]);
    });
    return;
  }

  describe("blue/green", () => {
    let group: Record<string, any>;
    beforeAll(() => {
      [[, group]] = resourcesOf(json, "aws_codedeploy_deployment_group");
    });

    it("deploys with CodeDeploy from the rendered task definition and AppSpec", () => {
      expect(stage("Deploy").action[0]).toMatchObject({
        provider: "CodeDeployToECS",
        configuration: {
          TaskDefinitionTemplatePath: BUILD_OUTPUT.taskDefinition,
          AppSpecTemplatePath: BUILD_OUTPUT.appSpec,
          ApplicationName: refTo("aws_codedeploy_app", "blue-green", "name"),
          DeploymentGroupName: refTo(
            "aws_codedeploy_deployment_group",
            "blue-green",
            "deployment_group_name",
          ),
        },
      });
    });

    it("shifts traffic between the two target groups on the production listener, testing on the test listener first", () => {
      const tgNames = resourcesOf(json, "aws_lb_target_group").map(([, t]) => t.name);
      expect(tgNames.sort()).toEqual(["fws-prod-site-blue-8080-int", "fws-prod-site-green-8080-int"]);
      const https = resourceNamed(json, "aws_lb_listener", "_https_");
      const test = resourceNamed(json, "aws_lb_listener", "_test_");
      expect(test).toMatchObject({ port: 8443, protocol: "HTTPS" });
      const [[httpsName]] = resourcesOf(json, "aws_lb_listener").filter(([n]) => n.includes("_https_"));
      const [[testName]] = resourcesOf(json, "aws_lb_listener").filter(([n]) => n.includes("_test_"));
      expect(group.load_balancer_info.target_group_pair_info).toEqual({
        prod_traffic_route: { listener_arns: [ref("aws_lb_listener", httpsName, "arn")] },
        test_traffic_route: { listener_arns: [ref("aws_lb_listener", testName, "arn")] },
        target_group: ["target-group_", "target-group-green_"].map((part) => ({
          name: ref(
            "aws_lb_target_group",
            resourcesOf(json, "aws_lb_target_group").find(([n]) => n.includes(part))![0],
            "name",
          ),
        })),
      });
      // CodeDeploy shifts the service's rules, not the listeners' defaults: the rules leave their action to it.
      const groupIds = resourcesOf(json, "aws_lb_target_group").map(([n]) => `aws_lb_target_group.${n}.id`);
      for (const l of [https, test]) expect(l.lifecycle).toBeUndefined();
      const rules = resourcesOf(json, "aws_lb_listener_rule").map(([, r]) => r);
      expect(rules.map((r) => r.listener_arn).sort()).toEqual(
        [ref("aws_lb_listener", httpsName, "arn"), ref("aws_lb_listener", testName, "arn")].sort(),
      );
      for (const r of rules)
        expect({
          ...r.lifecycle,
          replace_triggered_by: [...r.lifecycle.replace_triggered_by].sort(),
        }).toEqual({
          ignore_changes: ["action"],
          replace_triggered_by: groupIds.sort(),
        });
    });

    it("is BLUE_GREEN with traffic control, rolls back on failure and on alarms, keeps the old tasks for the configured wait", () => {
      expect(group).toMatchObject({
        deployment_config_name: "CodeDeployDefault.ECSCanary10Percent5Minutes",
        deployment_style: { deployment_option: "WITH_TRAFFIC_CONTROL", deployment_type: "BLUE_GREEN" },
        auto_rollback_configuration: {
          enabled: true,
          events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
        },
        blue_green_deployment_config: {
          terminate_blue_instances_on_deployment_success: {
            action: "TERMINATE",
            termination_wait_time_in_minutes: 30,
          },
        },
      });
    });

    it("names the cluster, service and rollback alarms by their attributes and waits for its role's policy", () => {
      // Tokens, not rebuilt names: Terraform creates the group after all of them (a fresh apply cannot race).
      expect(group.ecs_service).toEqual({
        cluster_name: refTo("aws_ecs_cluster", "cluster", "name"),
        service_name: refTo("aws_ecs_service", "service", "name"),
      });
      expect(group.alarm_configuration.alarms.length).toBeGreaterThan(0);
      for (const alarm of group.alarm_configuration.alarms) {
        expect(alarm).toMatch(/^\$\{aws_cloudwatch_metric_alarm\.[^.]+\.alarm_name\}$/);
      }
      const [[rolePolicy]] = resourcesOf(json, "aws_iam_role_policy").filter(([n]) =>
        n.includes("blue-green_role"),
      );
      expect(group.depends_on).toContain(`aws_iam_role_policy.${rolePolicy}`);
    });
  });
});
