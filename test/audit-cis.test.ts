import { CIS_FILTERS } from "../modules/audit/cis-alarms";
import { synthAudit, TOPIC_ARN } from "./fixtures/audit/audit-stack";
import { type Body, ref, resourcesOf, type StackJson } from "./support/synth";

describe("the CIS metric filters and alarms", () => {
  let json: StackJson;
  let filters: Body[];
  let alarms: Body[];
  beforeAll(() => {
    json = synthAudit().json;
    filters = resourcesOf(json, "aws_cloudwatch_log_metric_filter").map(([, f]) => f);
    alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm").map(([, a]) => a);
  });

  it("cover Security Hub's CloudWatch.1 to CloudWatch.14, one filter and one alarm each", () => {
    expect(CIS_FILTERS.map((f) => f.control)).toEqual(
      Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`),
    );
    expect(filters).toHaveLength(14);
    expect(alarms).toHaveLength(14);
  });

  it("filter the trail's log group with the benchmark's patterns", () => {
    const [[groupName]] = resourcesOf(json, "aws_cloudwatch_log_group");
    const group = ref("aws_cloudwatch_log_group", groupName, "name");
    for (const f of CIS_FILTERS) {
      const filter = filters.find((x) => x.name === `cis-${f.name}`);
      expect(filter).toEqual({
        name: `cis-${f.name}`,
        log_group_name: group,
        pattern: f.pattern,
        metric_transformation: { name: f.metric, namespace: "fws/prod/cis", value: "1" },
      });
    }
    const byControl = Object.fromEntries(CIS_FILTERS.map((f) => [f.control, f.pattern]));
    expect(byControl["CloudWatch.1"]).toBe(
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    );
    expect(byControl["CloudWatch.7"]).toBe(
      "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    );
  });

  it("have patterns Terraform leaves alone, with balanced braces and parentheses", () => {
    for (const f of CIS_FILTERS) {
      expect(f.pattern).not.toMatch(/[$%]\{/);
      expect(f.pattern.startsWith("{") && f.pattern.endsWith("}")).toBe(true);
      let depth = 0;
      for (const c of f.pattern) {
        depth += c === "(" ? 1 : c === ")" ? -1 : 0;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    }
  });

  it("alarm on the first event in five minutes, notify the topic, and treat no data as nothing happened", () => {
    for (const f of CIS_FILTERS) {
      expect(alarms.find((a) => a.metric_name === f.metric)).toEqual({
        alarm_name: `fws-prod-cis-${f.name}`,
        alarm_description: `${f.control} (CIS ${f.cis}): ${f.description}`,
        namespace: "fws/prod/cis",
        metric_name: f.metric,
        statistic: "Sum",
        period: 300,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        actions_enabled: true,
        alarm_actions: [TOPIC_ARN],
      });
    }
  });
});
