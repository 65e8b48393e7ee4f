import { readFileSync } from "node:fs";
import { configFromText, loadConfig, type StackJson, synthConfig } from "./support/synth";

/**
 * A one-service environment upgraded to several-services code: the same resources as before, apart from the
 * renames the README lists ("Upgrading a one-service environment"). The addresses before are the fixtures'
 * synthesized at the last one-service commit (test/fixtures/one-service/).
 */
const addressesOf = (json: StackJson) =>
  Object.entries(json.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));

/** What changes address, per environment `env` and service `svc`: [before, after] patterns. */
const renames = (env: string, svc: string): [RegExp | undefined, RegExp | undefined][] => [
  // Moved (a `moved` block): the target group now belongs to the service's routing.
  [
    /^aws_lb_target_group\.load-balancer_target-group_/,
    new RegExp(`^aws_lb_target_group\\.routing-${svc}_target-group_`),
  ],
  // Replaced: the load balancer's own alarms exist once per environment, named after it.
  [
    new RegExp(
      `^aws_cloudwatch_metric_alarm\\.monitoring_alarm-fws-${env}-${svc}-(elb-5xx|rejected-connections)_`,
    ),
    new RegExp(`^aws_cloudwatch_metric_alarm\\.monitoring_alarm-fws-${env}-(elb-5xx|rejected-connections)_`),
  ],
  // Replaced: the service's rule takes over from the origin-header rule (cloudfront-public-alb).
  [/^aws_lb_listener_rule\.load-balancer_from-cloudfront_/, undefined],
  // New: the service's rule (the listener answers 404 by default).
  [undefined, new RegExp(`^aws_lb_listener_rule\\.routing-${svc}_rule_`)],
];

describe.each([
  ["minimal", "api"],
  ["publicalb", "site"],
])("the one-service fixture %s (service %s) after the upgrade", (env, svc) => {
  const before = readFileSync(`test/fixtures/one-service/${env}.addresses.txt`, "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"));
  let json: StackJson;
  let after: string[];
  beforeAll(() => {
    json = synthConfig(loadConfig(`test/fixtures/configs/${env}.yaml`));
    after = addressesOf(json);
  });

  it("keeps every other resource at its address", () => {
    const olds = renames(env, svc).flatMap(([o]) => (o ? [o] : []));
    const news = renames(env, svc).flatMap(([, n]) => (n ? [n] : []));
    const kept = (list: string[], patterns: RegExp[]) => list.filter((a) => !patterns.some((p) => p.test(a)));
    expect(kept(after, news).sort()).toEqual(kept(before, olds).sort());
  });

  it("renames only what the README lists, one for one", () => {
    for (const [old, now] of renames(env, svc)) {
      const gone = old ? before.filter((a) => old.test(a)) : [];
      const come = now ? after.filter((a) => now.test(a)) : [];
      if (old && now) expect(come).toHaveLength(gone.length);
      if (!old) expect(come).toHaveLength(1);
    }
  });

  it("moves the target group with a moved block instead of replacing it", () => {
    const [from] = before.filter((a) => a.startsWith("aws_lb_target_group.load-balancer_target-group_"));
    const [to] = after.filter((a) => a.startsWith(`aws_lb_target_group.routing-${svc}_target-group_`));
    expect((json as StackJson & { moved?: unknown[] }).moved).toEqual([{ from, to }]);
  });

  it("answers what no rule takes with a fixed response, and forwards everything else by the service's rule", () => {
    const listeners = Object.values(json.resource.aws_lb_listener).filter(
      (l) => l.port !== 80 || !l.default_action[0].redirect,
    );
    for (const l of listeners) expect(l.default_action[0].type).toBe("fixed-response");
    const rules = Object.values(json.resource.aws_lb_listener_rule);
    expect(rules).toHaveLength(1);
    expect(rules[0].priority).toBe(50000);
  });
});

describe("a blue/green service upgraded while its green group serves", () => {
  // The one-service listeners ignored their default action, which CodeDeploy left on whichever group went
  // live last: the new rules must start there, or the service's traffic goes to an empty group.
  const ruleTargets = (liveTargetGroup?: string) => {
    const text = readFileSync("config/prod.yaml", "utf8").replace(
      "      blueGreen:\n",
      `      blueGreen:\n${liveTargetGroup ? `        liveTargetGroup: ${liveTargetGroup}\n` : ""}`,
    );
    const json = synthConfig(configFromText(text, "config/prod.yaml", "prod"));
    const rules = json.resource.aws_lb_listener_rule;
    return ["routing-site_rule", "routing-site_test-rule"].map((prefix) => {
      const [, rule] = Object.entries(rules).find(([id]) => id.startsWith(`${prefix}_`)) ?? [];
      return rule?.action[0].target_group_arn;
    });
  };

  it("creates the service's rules forwarding to the group deployment.blueGreen.liveTargetGroup names", () => {
    const green = "${aws_lb_target_group.routing-site_target-group-green_5C5604EE.arn}";
    expect(ruleTargets("green")).toEqual([green, green]);
  });

  it("creates them forwarding to the blue group by default", () => {
    const blue = "${aws_lb_target_group.routing-site_target-group_0965202A.arn}";
    expect(ruleTargets()).toEqual([blue, blue]);
  });
});
