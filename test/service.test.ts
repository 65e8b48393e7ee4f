import { CLOUDFRONT_MODES } from "../config/schema/edge";
import {
  APP,
  FORWARDED_HOPS_ENV,
  forwardedHops,
  NODE,
  nodeHealthCheckCommand,
  SHARED_SOCKET_DIR,
  WEB,
  WEB_ENV,
} from "../docker/contract";
import { EXEC_AGENT_PATHS } from "../modules/service/exec-mounts";
import { resolveText, stackSubstitutions } from "./support/iam";
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

describe.each(["dev", "prod"])("the %s site service", (env) => {
  const config = loadConfig(`config/${env}.yaml`);
  const svc = config.services[0];
  let json: StackJson;
  let containers: Record<string, any>[];
  let task: Record<string, any>;
  beforeAll(() => {
    // The site; the api beside it has tests of its own (service-instances, service-single-health).
    json = withoutServices(synthConfig(config), ["api"]);
    [[, task]] = resourcesOf(json, "aws_ecs_task_definition");
    containers = JSON.parse(task.container_definitions);
  });
  const container = (name: string) => containers.find((c) => c.name === name)!;
  /** A value with the stack's references replaced by what they resolve to (names known at plan time). */
  const resolved = (text: string) =>
    resolveText(text, stackSubstitutions(json, { account: config.account, region: config.region }));

  it("runs on a cluster with Container Insights", () => {
    const [[, cluster]] = resourcesOf(json, "aws_ecs_cluster");
    expect(cluster.name).toBe(`fws-${env}-site`);
    expect(cluster.setting).toEqual([{ name: "containerInsights", value: "enhanced" }]);
  });

  it("defines a Fargate task with the configured size and architecture", () => {
    expect(task).toMatchObject({
      family: `fws-${env}-site`,
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      cpu: String(svc.cpu),
      memory: String(svc.memory),
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: svc.cpuArchitecture },
    });
  });

  it("runs nginx (web) in front of uwsgi (app), web starting once app is HEALTHY", () => {
    expect(containers.map((c) => c.name)).toEqual([WEB.name, APP.name]);
    expect(container(WEB.name).dependsOn).toEqual([{ containerName: APP.name, condition: "HEALTHY" }]);
    expect(container(WEB.name).portMappings).toEqual([
      expect.objectContaining({ containerPort: WEB.port, protocol: "tcp" }),
    ]);
  });

  it.each([WEB, APP])(
    "hardens the $name container: non-root, read-only root, no capabilities, health check, limits",
    (c) => {
      const def = container(c.name);
      expect(def.user).toBe(c.user);
      expect(def.user).not.toMatch(/^(0|root)(:|$)/);
      expect(def).toMatchObject({
        readonlyRootFilesystem: true,
        privileged: false,
        essential: true,
        stopTimeout: svc.stopTimeoutSeconds,
      });
      expect(def.linuxParameters).toEqual({ initProcessEnabled: true, capabilities: { drop: ["ALL"] } });
      expect(def.healthCheck.command).toEqual(c.healthCheckCommand);
      expect(def.ulimits).toEqual([{ name: "nofile", softLimit: 65536, hardLimit: 65536 }]);
    },
  );

  it.each([WEB, APP])(
    "gives $name a writable volume at every path its server writes to, and nowhere else",
    (c) => {
      const def = container(c.name);
      const writable = def.mountPoints.filter((m: any) => !m.readOnly).map((m: any) => m.containerPath);
      // Plus ECS Exec's agent paths when exec is on (test/service-exec.test.ts).
      const exec = svc.execEnabled ? Object.values(EXEC_AGENT_PATHS) : [];
      expect(writable.sort()).toEqual([...c.writablePaths, ...exec].sort());
      const volumes = task.volume.map((v: any) => v.name);
      for (const m of def.mountPoints) expect(volumes).toContain(m.sourceVolume);
    },
  );

  it("shares only the socket directory between web and app, read-only for web", () => {
    const mount = (name: string) =>
      container(name).mountPoints.find((m: any) => m.containerPath === SHARED_SOCKET_DIR);
    expect(SHARED_SOCKET_DIR).toBeDefined();
    expect(mount(WEB.name)).toMatchObject({ sourceVolume: mount(APP.name).sourceVolume, readOnly: true });
    expect(mount(APP.name).readOnly).toBe(false);
    const volumesOf = (name: string): string[] => container(name).mountPoints.map((m: any) => m.sourceVolume);
    expect(volumesOf(WEB.name).filter((v) => volumesOf(APP.name).includes(v))).toEqual([
      mount(APP.name).sourceVolume,
    ]);
  });

  it("tells nginx the VPC range, the only peers whose X-Forwarded-For it believes", () => {
    // And which X-Forwarded-For entry is the client: CloudFront's with CloudFront in front (client-address.test.ts).
    const hops = String(forwardedHops(CLOUDFRONT_MODES.includes(config.edge.mode)));
    expect(container(WEB.name).environment).toEqual([
      { name: FORWARDED_HOPS_ENV, value: hops },
      { name: WEB_ENV.vpcCidr, value: config.network.cidr },
    ]);
  });

  it.each([WEB, APP])("sends $name's logs through awslogs to its own encrypted log group", (c) => {
    const options = container(c.name).logConfiguration.options;
    expect(resolved(options["awslogs-group"])).toBe(`/fws/${env}/site/${c.name}`);
    expect(options["awslogs-stream-prefix"]).toBe(c.name);
    const group = resourcesOf(json, "aws_cloudwatch_log_group").find(
      ([n]) => ref("aws_cloudwatch_log_group", n, "name") === options["awslogs-group"],
    )?.[1];
    expect(group).toMatchObject({ retention_in_days: svc.logRetentionDays });
    expect(group?.kms_key_id).toMatch(/^\$\{aws_kms_key\..*\.arn\}$/);
  });

  it("gives the app its environment variables and secrets from config", () => {
    const app = container(APP.name);
    expect(app.environment).toEqual(
      Object.entries(svc.environment).map(([name, value]) => ({ name, value })),
    );
    expect(app.secrets).toEqual(
      Object.entries(svc.secrets).map(([name, { arn }]) => ({ name, valueFrom: arn })),
    );
    expect(container(WEB.name).secrets).toEqual([]);
  });

  it("deploys images from the service's repositories at the configured tag", () => {
    for (const c of containers)
      expect(c.image).toMatch(
        new RegExp(`^\\$\\{aws_ecr_repository\\..*\\.repository_url\\}:${svc.images.tag}$`),
      );
  });

  it(`runs in the private subnets without public IPs, behind the target group, deployed ${env === "prod" ? "blue/green by CodeDeploy" : "rolling with a circuit breaker that rolls back"}`, () => {
    const [[, service]] = resourcesOf(json, "aws_ecs_service");
    const privateSubnets = resourcesOf(json, "aws_subnet").filter(([n]) => n.startsWith("network_private-"));
    expect(service.network_configuration).toMatchObject({
      subnets: privateSubnets.map(([n]) => ref("aws_subnet", n)),
      assign_public_ip: false,
    });
    const [[tgName]] = resourcesOf(json, "aws_lb_target_group").filter(([n]) => n.includes("target-group_"));
    expect(service.load_balancer).toEqual([
      {
        target_group_arn: ref("aws_lb_target_group", tgName, "arn"),
        container_name: WEB.name,
        container_port: WEB.port,
      },
    ]);
    expect(service).toMatchObject({
      desired_count: svc.desiredCount,
      deployment_minimum_healthy_percent: svc.minimumHealthyPercent,
      deployment_maximum_percent: svc.maximumPercent,
      health_check_grace_period_seconds: svc.healthCheckGracePeriodSeconds,
    });
    if (env === "dev") {
      // Rolling: ECS deploys; the pipeline owns the running revision, autoscaling the count.
      expect(service).toMatchObject({
        deployment_controller: { type: "ECS" },
        deployment_circuit_breaker: { enable: true, rollback: true },
        lifecycle: { ignore_changes: ["desired_count", "task_definition"] },
      });
    } else {
      // Blue/green: CodeDeploy owns task sets, their target groups and the count during a deployment.
      expect(service.deployment_controller).toEqual({ type: "CODE_DEPLOY" });
      expect(service.deployment_circuit_breaker).toBeUndefined();
      expect(service.alarms).toBeUndefined();
      // And what UpdateService refuses under CODE_DEPLOY (test/service-code-deploy.test.ts).
      expect(service.lifecycle.ignore_changes).toEqual(
        expect.arrayContaining(["desired_count", "task_definition", "load_balancer"]),
      );
    }
  });

  it("places tasks by the configured FARGATE / FARGATE_SPOT weights", () => {
    const [[, service]] = resourcesOf(json, "aws_ecs_service");
    const strategy = service.capacity_provider_strategy as any[];
    expect(strategy[0]).toEqual({
      capacity_provider: "FARGATE",
      weight: svc.capacity.fargateWeight,
      base: svc.capacity.fargateBase,
    });
    expect(strategy[1]).toEqual({
      capacity_provider: "FARGATE_SPOT",
      weight: svc.capacity.fargateSpotWeight,
    });
  });

  it("scales on CPU, memory and ALB requests per target between the configured bounds", () => {
    const [[, target]] = resourcesOf(json, "aws_appautoscaling_target");
    expect({ ...target, resource_id: resolved(target.resource_id) }).toMatchObject({
      min_capacity: svc.autoscaling.minCount,
      max_capacity: svc.autoscaling.maxCount,
      resource_id: `service/fws-${env}-site/fws-${env}-site`,
      scalable_dimension: "ecs:service:DesiredCount",
    });
    const policies = resourcesOf(json, "aws_appautoscaling_policy")
      .filter(([, p]) => p.policy_type === "TargetTrackingScaling")
      .map(([, p]) => p.target_tracking_scaling_policy_configuration);
    expect(
      policies.map((p) => [p.predefined_metric_specification?.predefined_metric_type, p.target_value]),
    ).toEqual([
      ["ECSServiceAverageCPUUtilization", svc.autoscaling.cpuTargetPercent],
      ["ECSServiceAverageMemoryUtilization", svc.autoscaling.memoryTargetPercent],
      [env === "dev" ? "ALBRequestCountPerTarget" : undefined, svc.autoscaling.requestsPerTarget],
    ]);
    const [[albName]] = resourcesOf(json, "aws_lb");
    if (env === "dev") {
      const [[tgName]] = resourcesOf(json, "aws_lb_target_group").filter(([n]) =>
        n.includes("target-group_"),
      );
      expect(policies[2].predefined_metric_specification.resource_label).toBe(
        `${ref("aws_lb", albName, "arn_suffix")}/${ref("aws_lb_target_group", tgName, "arn_suffix")}`,
      );
      return;
    }
    // Blue/green: a swap moves traffic to the other target group, so the service's requests are the sum over
    // its own two groups (no other service's), divided by the running tasks; one group's metric would drop
    // to zero after every deployment.
    const metrics = policies[2].customized_metric_specification.metrics;
    expect(metrics.map((m: any) => m.id)).toEqual(["group0", "group1", "requests", "tasks", "perTask"]);
    const groups = resourcesOf(json, "aws_lb_target_group")
      .map(([n]) => n)
      .sort((a, b) => Number(a.includes("green")) - Number(b.includes("green")));
    for (const [i, group] of groups.entries())
      expect(metrics[i].metric_stat.metric).toMatchObject({
        metric_name: "RequestCount",
        dimensions: [
          { name: "LoadBalancer", value: ref("aws_lb", albName, "arn_suffix") },
          { name: "TargetGroup", value: ref("aws_lb_target_group", group, "arn_suffix") },
        ],
      });
    expect(metrics[2]).toMatchObject({ expression: "FILL(group0, 0) + FILL(group1, 0)", return_data: false });
    expect(metrics[3].metric_stat.metric.metric_name).toBe("RunningTaskCount");
    expect(metrics[4]).toMatchObject({ expression: "requests / tasks", return_data: true });
  });

  it(
    env === "dev" ? "stops every task at night and starts them in the morning" : "never scales to zero",
    () => {
      const actions = resourcesOf(json, "aws_appautoscaling_scheduled_action").map(([, a]) => a);
      if (env === "prod") {
        expect(actions).toEqual([]);
        return;
      }
      const byName = Object.fromEntries(actions.map((a) => [resolved(a.name), a]));
      expect(byName["fws-dev-site-stop"]).toMatchObject({
        schedule: "cron(0 20 ? * MON-FRI *)",
        timezone: "Europe/Dublin",
        scalable_target_action: { min_capacity: "0", max_capacity: "0" },
      });
      expect(byName["fws-dev-site-start"]).toMatchObject({
        schedule: "cron(0 7 ? * MON-FRI *)",
        scalable_target_action: { min_capacity: "1", max_capacity: "2" },
      });
    },
  );

  it("keeps images in immutable, scanned, KMS-encrypted repositories that expire all but the last N", () => {
    const repos = resourcesOf(json, "aws_ecr_repository")
      .filter(([n]) => n.startsWith("service-"))
      .map(([, r]) => r);
    expect(repos.map((r) => r.name).sort()).toEqual([`fws-${env}/site/app`, `fws-${env}/site/web`]);
    for (const r of repos) {
      expect(r).toMatchObject({
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
      });
      expect(r.encryption_configuration[0].encryption_type).toBe("KMS");
      expect(r.force_delete).toBe(env !== "prod");
      expect(r.lifecycle?.prevent_destroy ?? false).toBe(env === "prod");
    }
    const rules = JSON.parse(
      resourcesOf(json, "aws_ecr_lifecycle_policy").filter(([n]) => n.startsWith("service-"))[0][1].policy,
    ).rules;
    expect(rules[1].selection).toEqual({
      tagStatus: "any",
      countType: "imageCountMoreThan",
      countNumber: svc.keepImages,
    });
  });

  it("lets the execution role pull exactly its repositories, write exactly its log groups, read exactly its secrets", () => {
    const policy = policyOf(resourceNamed(json, "aws_iam_role_policy", "roles_execution").policy);
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.EcrAuthorization).toMatchObject({ Action: "ecr:GetAuthorizationToken", Resource: "*" });
    const repos = resourcesOf(json, "aws_ecr_repository")
      .filter(([n]) => n.startsWith("service-"))
      .map(([n]) => ref("aws_ecr_repository", n, "arn"));
    expect([...bySid.PullServiceImages.Resource].sort()).toEqual(repos.sort());
    expect(bySid.WriteContainerLogs.Resource.map(resolved)).toEqual([
      `arn:aws:logs:eu-west-1:${config.account}:log-group:/fws/${env}/site/web:log-stream:*`,
      `arn:aws:logs:eu-west-1:${config.account}:log-group:/fws/${env}/site/app:log-stream:*`,
    ]);
    const secrets = Object.values(svc.secrets).map((s) => s.arn);
    if (secrets.length > 0)
      expect(bySid.ReadSecrets.Resource).toEqual(secrets.length === 1 ? secrets[0] : secrets);
    else expect(bySid.ReadSecrets).toBeUndefined();
  });

  it("trusts only ECS tasks of this account with both roles", () => {
    for (const part of ["roles_execution", "roles_task"]) {
      const trust = policyOf(resourceNamed(json, "aws_iam_role", part).assume_role_policy).Statement[0];
      expect(trust.Principal).toEqual({ Service: "ecs-tasks.amazonaws.com" });
      expect(trust.Condition.StringEquals).toEqual({ "aws:SourceAccount": config.account });
    }
  });

  it(
    env === "dev"
      ? "allows ECS Exec, with sessions encrypted and logged"
      : "allows no ECS Exec and gives the task role no permissions",
    () => {
      const [[, service]] = resourcesOf(json, "aws_ecs_service");
      const [[, cluster]] = resourcesOf(json, "aws_ecs_cluster");
      const taskPolicies = resourcesOf(json, "aws_iam_role_policy").filter(([n]) => n.includes("roles_task"));
      expect(service.enable_execute_command).toBe(env === "dev");
      if (env === "prod") {
        expect(taskPolicies).toEqual([]);
        expect(cluster.configuration).toBeUndefined();
        return;
      }
      const exec = cluster.configuration.execute_command_configuration;
      expect(resolved(exec.log_configuration.cloud_watch_log_group_name)).toBe("/fws/dev/site/exec");
      expect(exec).toMatchObject({
        logging: "OVERRIDE",
        log_configuration: {
          cloud_watch_encryption_enabled: true,
        },
      });
      const sids = policyOf(taskPolicies[0][1].policy).Statement.map((s) => s.Sid);
      expect(sids).toEqual([
        "ExecSessionChannels",
        "ExecSessionLogGroupCheck",
        "ExecSessionLogs",
        "ExecSessionKey",
      ]);
    },
  );
});

describe("the stack's outputs", () => {
  it("give the URL, ALB DNS name, cluster and service names, log group names and repository URLs", () => {
    const json = synthConfig(loadConfig("config/prod.yaml"));
    const outputs = json.output ?? {};
    expect(Object.keys(outputs).sort()).toEqual([
      "alarm_topic_arn",
      "alb_dns_name",
      "cloudfront_domain_name",
      "cluster_name",
      "config_bucket_name",
      "connection_arn",
      "connection_status",
      "dashboard_name",
      "log_group_names",
      "origin_url",
      "pipeline_name",
      "private_subnet_ids",
      "public_subnet_ids",
      "repository_urls",
      "rollback_alarm_names",
      "service_name",
      "trail_arn",
      "url",
      "vpc_id",
      "web_acl_arn",
    ]);
    expect(outputs.origin_url.value).toBe("https://origin.www.example.com");
    expect(outputs.url.value).toBe("https://www.example.com");
    const resolved = (text: string) =>
      resolveText(text, stackSubstitutions(json, { account: "222222222222", region: "eu-west-1" }));
    expect(resolved(outputs.cluster_name.value.site)).toBe("fws-prod-site");
    const logGroups = outputs.log_group_names.value.site as Record<string, string>;
    expect({ web: resolved(logGroups.web), app: resolved(logGroups.app) }).toEqual({
      web: "/fws/prod/site/web",
      app: "/fws/prod/site/app",
    });
  });
});

describe("the single-container service (fixture: minimal)", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(loadConfig("test/fixtures/configs/minimal.yaml"));
  });

  it("runs one app container on its port from the given image, with no repository to create", () => {
    const [[, task]] = resourcesOf(json, "aws_ecs_task_definition");
    const containers = JSON.parse(task.container_definitions);
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      name: NODE.name,
      image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2",
      portMappings: [expect.objectContaining({ containerPort: 8000 })],
      readonlyRootFilesystem: true,
    });
    expect(containers[0].environment).toEqual([
      { name: FORWARDED_HOPS_ENV, value: "1" },
      { name: "PORT", value: "8000" },
    ]);
    expect(containers[0].healthCheck.command).toEqual(nodeHealthCheckCommand(8000, "/health"));
    expect(resourcesOf(json, "aws_ecr_repository").filter(([n]) => n.startsWith("service-"))).toEqual([]);
    const [[, tg]] = resourcesOf(json, "aws_lb_target_group").filter(([n]) => n.includes("target-group_"));
    expect(tg.port).toBe(8000);
  });

  it("gives the task role exactly the configured statement, and keeps a fixed count without autoscaling", () => {
    const policy = policyOf(resourceNamed(json, "aws_iam_role_policy", "roles_task").policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "ReadUploads",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::team-uploads/*",
      },
    ]);
    const [[, service]] = resourcesOf(json, "aws_ecs_service");
    expect(service.lifecycle).toBeUndefined();
    expect(resourcesOf(json, "aws_appautoscaling_target")).toEqual([]);
  });
});
