import { simulate, stackSubstitutions } from "./support/iam";
import {
  configFromText,
  loadConfig,
  policyOf,
  ref,
  resourceNamed,
  resourcesOf,
  type StackJson,
  synthConfig,
  withoutServices,
} from "./support/synth";

describe.each(["dev", "prod"])("monitoring of %s", (env) => {
  const config = loadConfig(`config/${env}.yaml`);
  const t = config.monitoring.thresholds;
  let json: StackJson;
  /** The whole stack, the api included: the dashboard and the topic are shared. */
  let full: StackJson;
  let alarms: Record<string, Record<string, any>>;
  let albSuffix: string;
  let tgSuffix: string;
  let topicArn: string;
  /** The topic's ARN as AWS gives it, for simulated requests. */
  let topicLiteral: string;
  const nameRef = (type: string, part: string, attr = "name") =>
    ref(type, resourcesOf(json, type).filter(([n]) => n.includes(part))[0][0], attr);
  beforeAll(() => {
    // The site's view; the api beside it: test/service-instances.test.ts.
    full = synthConfig(config);
    json = withoutServices(full, ["api"]);
    alarms = Object.fromEntries(
      resourcesOf(json, "aws_cloudwatch_metric_alarm")
        .filter(([n]) => n.startsWith("monitoring_"))
        .map(([, a]) => [a.alarm_name, a]),
    );
    albSuffix = ref("aws_lb", resourcesOf(json, "aws_lb")[0][0], "arn_suffix");
    tgSuffix = ref(
      "aws_lb_target_group",
      resourcesOf(json, "aws_lb_target_group").filter(([n]) => n.includes("target-group_"))[0][0],
      "arn_suffix",
    );
    topicArn = nameRef("aws_sns_topic", "monitoring_topic_", "arn");
    topicLiteral = `arn:aws:sns:eu-west-1:${config.account}:fws-${env}-alarms`;
  });
  // The load balancer's own alarms exist once, named after the environment; the rest after the service.
  const ALB_WIDE = ["elb-5xx", "rejected-connections"];
  const alarmName = (id: string) => (ALB_WIDE.includes(id) ? `fws-${env}-${id}` : `fws-${env}-site-${id}`);
  const alarm = (id: string) => alarms[alarmName(id)];

  it("notifies an SNS topic encrypted with its own key, which CloudWatch, EventBridge and CodeStar may use", () => {
    const topic = resourceNamed(json, "aws_sns_topic", "monitoring_topic_");
    expect(topic.name).toBe(`fws-${env}-alarms`);
    const [[keyName, key]] = resourcesOf(json, "aws_kms_key").filter(([n]) =>
      n.includes("monitoring_topic_key"),
    );
    expect(topic.kms_master_key_id).toBe(ref("aws_kms_key", keyName, "arn"));
    const grants = policyOf(key.policy).Statement.filter((s) => s.Principal?.Service);
    expect(grants.map((s) => s.Principal.Service)).toEqual([
      "cloudwatch.amazonaws.com",
      "events.amazonaws.com",
      "codestar-notifications.amazonaws.com",
    ]);
    for (const g of grants) {
      expect(g.Action).toEqual(["kms:GenerateDataKey", "kms:Decrypt"]);
      expect(g.Condition).toEqual({ StringEquals: { "aws:SourceAccount": config.account } });
    }
  });

  it("subscribes what config lists", () => {
    const subs = resourcesOf(json, "aws_sns_topic_subscription")
      .filter(([n]) => n.startsWith("monitoring_topic_"))
      .map(([, s]) => [s.protocol, s.endpoint]);
    expect(subs).toEqual(config.monitoring.subscriptions.map((s) => [s.protocol, s.endpoint]));
    if (env === "prod") expect(subs).toEqual([["email", "oncall@example.com"]]);
  });

  describe("the topic policy", () => {
    const publish = (principal: string, sourceAccount: string) =>
      simulate({
        resourcePolicy: resourceNamed(json, "aws_sns_topic_policy", "monitoring_topic_policy").policy,
        principal,
        action: "sns:Publish",
        resource: topicLiteral,
        context: { "aws:SourceAccount": sourceAccount },
        substitutions: stackSubstitutions(json, { account: config.account, region: "eu-west-1" }),
      });

    it("lets CloudWatch alarms of this account publish", async () => {
      expect(await publish("cloudwatch.amazonaws.com", config.account)).toBe("Allowed");
    });

    it("refuses CloudWatch on behalf of another account, and any other principal", async () => {
      expect(await publish("cloudwatch.amazonaws.com", "999999999999")).toBe("ImplicitlyDenied");
      expect(await publish("arn:aws:iam::999999999999:role/intruder", "999999999999")).toBe(
        "ImplicitlyDenied",
      );
    });
  });

  it("raises the target 5XX rate with metric math that survives minutes without data", () => {
    const a = alarm("target-5xx-rate");
    expect(a).toMatchObject({
      comparison_operator: "GreaterThanThreshold",
      threshold: t.target5xxPercent,
      treat_missing_data: "notBreaching",
    });
    const [result, ...inputs] = a.metric_query;
    expect(result).toMatchObject({
      id: "result",
      return_data: true,
      expression: "100 * FILL(errors, 0) / IF(FILL(requests, 0) > 0, requests, 1)",
    });
    expect(inputs.map((q: any) => [q.id, q.metric.metric_name, q.metric.stat, q.metric.dimensions])).toEqual([
      ["errors", "HTTPCode_Target_5XX_Count", "Sum", { LoadBalancer: albSuffix, TargetGroup: tgSuffix }],
      ["requests", "RequestCount", "Sum", { LoadBalancer: albSuffix, TargetGroup: tgSuffix }],
    ]);
  });

  it.each([
    [
      "elb-5xx",
      "HTTPCode_ELB_5XX_Count",
      { statistic: "Sum" },
      "GreaterThanOrEqualToThreshold",
      "notBreaching",
    ],
    [
      "unhealthy-hosts",
      "UnHealthyHostCount",
      { statistic: "Maximum" },
      "GreaterThanThreshold",
      "notBreaching",
    ],
    [
      "rejected-connections",
      "RejectedConnectionCount",
      { statistic: "Sum" },
      "GreaterThanThreshold",
      "notBreaching",
    ],
    ["cpu", "CPUUtilization", { statistic: "Average" }, "GreaterThanThreshold", "missing"],
    ["memory", "MemoryUtilization", { statistic: "Average" }, "GreaterThanThreshold", "missing"],
  ])(
    "raises %s on %s with a deliberate missing-data treatment and the topic as action",
    (id, metric, stat, comparison, missing) => {
      const a = alarm(id);
      expect(a).toMatchObject({
        metric_name: metric,
        ...stat,
        comparison_operator: comparison,
        treat_missing_data: missing,
      });
      expect(a.alarm_actions).toEqual([topicArn]);
      expect(a.ok_actions).toEqual([topicArn]);
    },
  );

  it("compares with the configured thresholds, on ALB dimensions taken from arn_suffix", () => {
    expect(alarm("p99-latency").threshold).toBe(t.p99LatencySeconds);
    expect(alarm("elb-5xx").threshold).toBe(t.elb5xxCount);
    expect(alarm("cpu").threshold).toBe(t.cpuPercent);
    expect(alarm("elb-5xx").dimensions).toEqual({ LoadBalancer: albSuffix });
    const latency = alarm("p99-latency").metric_query.find((q: any) => q.id === "latency");
    expect(latency.metric.dimensions).toEqual({ LoadBalancer: albSuffix, TargetGroup: tgSuffix });
    // The cluster's and service's attributes: the alarms follow them, and Terraform orders them after.
    expect(alarm("cpu").dimensions).toEqual({
      ClusterName: nameRef("aws_ecs_cluster", "cluster"),
      ServiceName: nameRef("aws_ecs_service", "service"),
    });
  });

  it(
    env === "prod"
      ? "pages when fewer than the minimum tasks run or are healthy"
      : "has no too-few-tasks alarms, since dev stops at night",
    () => {
      if (env === "dev") {
        expect(alarm("healthy-hosts")).toBeUndefined();
        expect(alarm("running-tasks")).toBeUndefined();
        return;
      }
      expect(alarm("healthy-hosts")).toMatchObject({
        threshold: 3,
        comparison_operator: "LessThanThreshold",
        treat_missing_data: "breaching",
      });
      expect(alarm("running-tasks")).toMatchObject({
        namespace: "ECS/ContainerInsights",
        metric_name: "RunningTaskCount",
        threshold: 3,
      });
    },
  );

  it("watches every NAT gateway's port allocation", () => {
    const nat = Object.values(alarms).filter((a) => a.metric_name === "ErrorPortAllocation");
    expect(nat).toHaveLength(env === "prod" ? 3 : 1);
    const natRefs = resourcesOf(json, "aws_nat_gateway").map(([n]) => ref("aws_nat_gateway", n));
    expect(nat.map((a) => a.dimensions.NatGatewayId).sort()).toEqual(natRefs.sort());
  });

  it(
    env === "dev"
      ? "rolls a rolling deployment back on the rollback alarms, beside the circuit breaker"
      : "gives CodeDeploy rollback alarms on both target groups, whichever is green",
    () => {
      const [[, service]] = resourcesOf(json, "aws_ecs_service");
      const ids = ["target-5xx-rate", "elb-5xx", "p99-latency", "unhealthy-hosts"];
      const green =
        env === "prod" ? ["green-target-5xx-rate", "green-p99-latency", "green-unhealthy-hosts"] : [];
      // The service's own rollback alarms only: with two services the load balancer's 5XX pages but rolls
      // back no one (it cannot tell whose requests failed).
      expect(alarms[alarmName("elb-5xx")]).toBeDefined();
      const names = [...ids.filter((id) => id !== "elb-5xx"), ...green].map(alarmName);
      // The alarms' own attributes, never names rebuilt elsewhere: deployments are created after the alarms.
      const refs = names.map((n) =>
        ref(
          "aws_cloudwatch_metric_alarm",
          resourcesOf(json, "aws_cloudwatch_metric_alarm").find(([, a]) => a.alarm_name === n)![0],
          "alarm_name",
        ),
      );
      // Keyed by service: the api's are its own.
      const outputs = json.output?.rollback_alarm_names.value;
      expect(Object.keys(outputs).sort()).toEqual(["api", "site"]);
      expect(outputs.site).toEqual(refs);
      expect(outputs.api.length).toBeGreaterThan(0);
      expect(outputs.api.every((r: string) => r.includes(`fws-${env}-api-`))).toBe(true);
      if (env === "dev") {
        expect(service.alarms).toEqual({ alarm_names: refs, enable: true, rollback: true });
        return;
      }
      const greenTg = resourcesOf(json, "aws_lb_target_group").find(([n]) =>
        n.includes("target-group-green"),
      )![0];
      const greenLatency = alarms["fws-prod-site-green-p99-latency"].metric_query.find(
        (q: any) => q.id === "latency",
      );
      expect(greenLatency.metric.dimensions.TargetGroup).toBe(
        ref("aws_lb_target_group", greenTg, "arn_suffix"),
      );
      const [[, group]] = resourcesOf(json, "aws_codedeploy_deployment_group");
      expect(group.alarm_configuration).toEqual({ enabled: true, alarms: refs });
    },
  );

  it("adds tasks when p90 latency stays high, through the step-scaling policy", () => {
    const a = alarm("p90-latency-scale-out");
    const [[policyName, policy]] = resourcesOf(json, "aws_appautoscaling_policy").filter(([n]) =>
      n.includes("latency"),
    );
    expect(policy.policy_type).toBe("StepScaling");
    expect(a.metric_query.find((q: any) => q.id === "latency").metric.stat).toBe("p90");
    expect(a).toMatchObject({
      threshold: t.p90ScaleOutSeconds,
      alarm_actions: [ref("aws_appautoscaling_policy", policyName, "arn")],
      ok_actions: [],
    });
  });

  it("sends failed deployments and tasks that cannot start to the topic", () => {
    const rule = resourceNamed(json, "aws_cloudwatch_event_rule", "deployment-events");
    const pattern = JSON.parse(rule.event_pattern);
    expect(pattern.source).toEqual(["aws.ecs"]);
    expect(pattern.detail.eventName).toEqual([
      "SERVICE_DEPLOYMENT_FAILED",
      "SERVICE_TASK_START_IMPAIRED",
      "SERVICE_TASK_PLACEMENT_FAILURE",
    ]);
    expect(resourceNamed(json, "aws_cloudwatch_event_target", "deployment-events").arn).toBe(topicArn);
  });

  it("draws a dashboard of requests, then errors, latency, health and ECS per service, every alarm, and each nginx log", () => {
    const body = JSON.parse(resourceNamed(json, "aws_cloudwatch_dashboard", "monitoring").dashboard_body);
    const titles = body.widgets.map((w: any) => w.properties.title);
    const row = (svc: string) =>
      ["Errors", "Target response time", "Target health", "ECS CPU and memory", "Running tasks"].map(
        (t) => `${svc}: ${t}`,
      );
    expect(titles).toEqual([
      "Requests",
      ...row("site"),
      ...row("api"),
      "WAF requests",
      "Alarms",
      "site: Top 5XX paths and slowest upstream times (nginx)",
      "api: Top 5XX paths and slowest upstream times (nginx)",
    ]);
    const waf = body.widgets.find((w: any) => w.properties.title === "WAF requests");
    // A CLOUDFRONT-scope ACL reports in us-east-1 without a Region dimension; a REGIONAL one in its region.
    expect(waf.properties.region).toBe(env === "prod" ? "us-east-1" : "eu-west-1");
    expect(waf.properties.metrics[1]).toEqual(
      env === "prod"
        ? [
            "AWS/WAFV2",
            "BlockedRequests",
            "WebACL",
            nameRef("aws_wafv2_web_acl", "edge"),
            "Rule",
            "ALL",
            { stat: "Sum" },
          ]
        : [
            "AWS/WAFV2",
            "BlockedRequests",
            "WebACL",
            nameRef("aws_wafv2_web_acl", "edge"),
            "Rule",
            "ALL",
            "Region",
            "eu-west-1",
            { stat: "Sum" },
          ],
    );
    const alarmWidget = body.widgets.find((w: any) => w.type === "alarm");
    // Every alarm of the dashboard's region that pages (scaling alarms page no one), by its ARN attribute.
    const paging = resourcesOf(full, "aws_cloudwatch_metric_alarm").filter(
      ([n, a]) =>
        n.startsWith("monitoring_") && !a.provider && (a.alarm_actions[0] ?? "").includes("aws_sns_topic"),
    );
    expect([...alarmWidget.properties.alarms].sort()).toEqual(
      paging.map(([n]) => ref("aws_cloudwatch_metric_alarm", n, "arn")).sort(),
    );
    const logWidget = body.widgets.find((w: any) => w.type === "log");
    expect(logWidget.properties.query).toMatch(
      /^SOURCE '\$\{aws_cloudwatch_log_group\.[^}]*web[^}]*\.name\}' \| fields uri/,
    );
  });

  it("saves Logs Insights queries over the JSON logs: errors by path, slowest requests, one request across nginx and uwsgi", () => {
    const queries = Object.fromEntries(
      resourcesOf(json, "aws_cloudwatch_query_definition").map(([, q]) => [q.name, q]),
    );
    expect(Object.keys(queries).sort()).toEqual([
      `fws-${env}/site/errors-by-path`,
      `fws-${env}/site/one-request`,
      `fws-${env}/site/slowest-requests`,
    ]);
    expect(queries[`fws-${env}/site/one-request`].log_group_names).toEqual([
      nameRef("aws_cloudwatch_log_group", "web-logs"),
      nameRef("aws_cloudwatch_log_group", "app-logs"),
    ]);
    expect(queries[`fws-${env}/site/errors-by-path`].query_string).toContain("filter status >= 500");
  });
});

describe("monitoring with an organisation's existing topic", () => {
  it("creates no topic and notifies the given one", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:org-oncall";
    const json = synthConfig(
      configFromText(`
account: "123456789012"
region: us-east-1
network: { cidr: 10.0.0.0/16, availabilityZones: [us-east-1a, us-east-1b] }
loadBalancer: { allowHttpWithoutDomain: true }
edge: { mode: none }
service: { images: { tag: "1" } }
monitoring: { alarmTopicArn: "${topic}" }
`),
    );
    expect(resourcesOf(json, "aws_sns_topic")).toEqual([]);
    for (const [, a] of resourcesOf(json, "aws_cloudwatch_metric_alarm")) {
      if (!a.alarm_name.endsWith("scale-out")) expect(a.alarm_actions).toEqual([topic]);
    }
  });
});

describe("rollback on the load balancer's own 5XX", () => {
  const rollbackOf = (json: StackJson, service: string): string[] =>
    json.output?.rollback_alarm_names.value[service].map((r: string) => {
      const [, name] = r.replace(/^\$\{|\}$/g, "").split(".");
      return json.resource.aws_cloudwatch_metric_alarm[name].alarm_name;
    });
  it("rolls back a lone service's deployment: its requests are all the load balancer serves", () => {
    const json = synthConfig(loadConfig("test/fixtures/configs/minimal.yaml"));
    expect(rollbackOf(json, "api")).toContain("fws-minimal-elb-5xx");
  });
  it("rolls back no one's with several services, and still pages", () => {
    const json = synthConfig(loadConfig("config/dev.yaml"));
    for (const service of ["site", "api"]) expect(rollbackOf(json, service)).not.toContain("fws-dev-elb-5xx");
    const elb = Object.values(json.resource.aws_cloudwatch_metric_alarm).find(
      (a: any) => a.alarm_name === "fws-dev-elb-5xx",
    ) as any;
    expect(elb.alarm_actions.length).toBeGreaterThan(0);
  });
});
