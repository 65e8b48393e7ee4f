import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Gaps, runScenario } from "../scripts/lib/apply/apply-stack";
import { judgePlan } from "../scripts/lib/apply/drift";
import { findMotoPython, MOTO_INSTALL, type Moto, REPLAY_MARK, startMoto } from "../scripts/lib/apply/moto";
import { ADJUSTMENTS, EXCLUDED_TYPES, KNOWN_DRIFTS } from "../scripts/lib/apply/moto-gaps";
import { endpointOf, motoOverride, SERVICES } from "../scripts/lib/apply/override";
import { liftPreventDestroy, prepareForMoto, type StackJson } from "../scripts/lib/apply/prune";
import { terraform } from "../scripts/lib/apply/terraform";
import { loadConfig, synthConfig } from "./support/synth";

/**
 * The apply tier (`npm run test:apply`) must be able to fail. These apply small hand-written stacks
 * against moto with the real harness: one that passes only because of the documented gaps, and broken
 * ones that must fail with their first error line.
 */
const ACCOUNT = "444444444444";

/** A VPC, two groups and a rule between them (a known drift), and a connection moto lacks plus a topic named after it. */
function smallStack(extra: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: [{ region: "us-east-1", allowed_account_ids: [ACCOUNT] }] },
    resource: {
      aws_vpc: { vpc: { cidr_block: "10.0.0.0/16" } },
      aws_security_group: {
        alb: { name: "alb", description: "load balancer", vpc_id: "${aws_vpc.vpc.id}" },
        task: { name: "task", description: "tasks", vpc_id: "${aws_vpc.vpc.id}" },
      },
      aws_vpc_security_group_ingress_rule: {
        from_alb: {
          security_group_id: "${aws_security_group.task.id}",
          referenced_security_group_id: "${aws_security_group.alb.id}",
          ip_protocol: "tcp",
          from_port: 8080,
          to_port: 8080,
          description: "Web port from the load balancer",
        },
      },
      aws_codestarconnections_connection: { source: { name: "source", provider_type: "GitHub" } },
      aws_sns_topic: { builds: { name: "${aws_codestarconnections_connection.source.name}-builds" } },
      ...extra,
    },
    output: { topic: { value: "${aws_sns_topic.builds.arn}" } },
  };
}

const root = mkdtempSync(join(tmpdir(), "fws-apply-harness-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function stackDir(name: string, json: object): string {
  const dir = join(root, "stacks", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
  return dir;
}

const gaps: Gaps = { excluded: EXCLUDED_TYPES, adjustments: ADJUSTMENTS, drifts: KNOWN_DRIFTS };

function apply(name: string, json: object, withGaps: Gaps = gaps) {
  const python = findMotoPython();
  if (!python) throw new Error(`moto's server is missing: ${MOTO_INSTALL}`);
  const scenario = { name, account: ACCOUNT, zones: [], phases: [stackDir(name, json)] };
  return runScenario(scenario, { workRoot: join(root, "work"), python, gaps: withGaps });
}

describe("preparing a copy for moto", () => {
  it("leaves out an excluded type and, transitively, what refers to it, and says why", () => {
    const { json, pruned } = prepareForMoto(smallStack() as never, EXCLUDED_TYPES);
    expect(pruned).toEqual([
      { address: "aws_codestarconnections_connection.source", why: expect.stringMatching(/^moto: /) },
      { address: "aws_sns_topic.builds", why: "refers to aws_codestarconnections_connection.source" },
      { address: "output.topic", why: "refers to aws_sns_topic.builds" },
    ]);
    expect(Object.keys(json.resource ?? {})).not.toContain("aws_sns_topic");
    expect(json.output).toBeUndefined();
  });

  it("keeps prevent_destroy in the prepared copy; lifting it (before destroy) touches the copy only", () => {
    const stack = smallStack();
    const vpc = (stack.resource as Record<string, Record<string, Record<string, unknown>>>).aws_vpc.vpc;
    vpc.lifecycle = { prevent_destroy: true };
    const { json } = prepareForMoto(stack as never, []);
    expect(json.resource?.aws_vpc.vpc.lifecycle).toEqual({ prevent_destroy: true });
    expect(liftPreventDestroy(json)).toEqual(["aws_vpc.vpc"]);
    expect(json.resource?.aws_vpc.vpc.lifecycle).toEqual({ prevent_destroy: false });
    expect(vpc.lifecycle).toEqual({ prevent_destroy: true });
  });
});

describe("the override that points a copy at moto", () => {
  const stacks = [
    "config/dev.yaml",
    "config/prod.yaml",
    "test/fixtures/configs/minimal.yaml",
    "test/fixtures/configs/publicalb.yaml",
  ].map((file) => ({ file, json: synthConfig(loadConfig(file)) as unknown as StackJson }));

  it("has an endpoint for every resource type of every shipped and fixture stack", () => {
    const types = new Set([
      ...Object.keys(smallStack().resource as object),
      ...stacks.flatMap(({ json }) => [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})]),
    ]);
    const missing = [...types].filter((t) => !(SERVICES as readonly string[]).includes(endpointOf(t) ?? ""));
    expect(missing).toEqual([]);
    expect(endpointOf("aws_cloudwatch_log_group")).toBe("logs");
    expect(endpointOf("aws_vpc_security_group_ingress_rule")).toBe("ec2");
    expect(endpointOf("aws_route53_record")).toBe("route53");
  });

  it("has one block per aws provider block, alias for alias, each with every endpoint", () => {
    for (const { file, json } of stacks) {
      const blocks = (json.provider as unknown as { aws: { alias?: string }[] }).aws;
      const override = motoOverride(json as never, "http://127.0.0.1:1") as {
        provider: { aws: { alias?: string; endpoints: Record<string, string>[] }[] };
      };
      expect([file, override.provider.aws.map((b) => b.alias)]).toEqual([file, blocks.map((b) => b.alias)]);
      for (const b of override.provider.aws)
        expect(Object.keys(b.endpoints[0]).sort()).toEqual([...SERVICES].sort());
    }
  });
});

describe("judging the plan after an apply", () => {
  const rule = {
    address: "aws_vpc_security_group_ingress_rule.r",
    type: "aws_vpc_security_group_ingress_rule",
    change: {
      actions: ["update"],
      before: { description: null, referenced_security_group_id: "sg-1", from_port: 80 },
      after: { description: "from the ALB", referenced_security_group_id: "sg-1", from_port: 80 },
      after_unknown: {},
    },
  };

  it("accepts a listed drift and names it", () => {
    expect(judgePlan({ resource_changes: [rule] }, KNOWN_DRIFTS)).toEqual({
      unexpected: [],
      known: ["aws_vpc_security_group_ingress_rule.r: description"],
    });
  });

  it("rejects the same attribute on a resource the drift does not apply to", () => {
    const cidrRule = structuredClone(rule);
    cidrRule.change.before.referenced_security_group_id = null as never;
    cidrRule.change.after.referenced_security_group_id = null as never;
    expect(judgePlan({ resource_changes: [cidrRule] }, KNOWN_DRIFTS).unexpected).toEqual([
      'aws_vpc_security_group_ingress_rule.r: read back differs from what was sent (the plan would update it): description (sent "from the ALB", read back null)',
    ]);
  });

  /** An ECS service the plan replaces because moto dropped its capacity provider strategy. */
  const service = {
    address: "aws_ecs_service.web",
    type: "aws_ecs_service",
    change: {
      actions: ["delete", "create"],
      before: { capacity_provider_strategy: [], name: "web" },
      after: { capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1 }], name: "web" },
      after_unknown: { id: true },
      replace_paths: [["capacity_provider_strategy"]],
    },
  };
  /** A listener replaced with nothing but its (unknown) arn changing. */
  const listener = (depends: boolean) => ({
    address: "aws_lb_listener.https",
    type: "aws_lb_listener",
    change: {
      actions: ["delete", "create"],
      before: { arn: "arn:listener", port: 443 },
      after: { port: 443 },
      after_unknown: { arn: true },
    },
    depends,
  });

  it("rejects a change no attribute explains: perpetual updates and bare replacements", () => {
    const tags = {
      address: "aws_sns_topic.t",
      type: "aws_sns_topic",
      change: { actions: ["update"], before: { tags: null }, after: { tags: {} }, after_unknown: {} },
    };
    const blank = {
      address: "aws_ecs_service.web",
      type: "aws_ecs_service",
      change: { actions: ["update"], before: { description: "" }, after: { description: null } },
    };
    const unknownOnly = {
      address: "aws_ecs_service.api",
      type: "aws_ecs_service",
      change: { actions: ["update"], before: { id: "api" }, after: {}, after_unknown: { id: true } },
    };
    const verdict = judgePlan(
      { resource_changes: [tags, blank, unknownOnly, listener(false)] },
      KNOWN_DRIFTS,
    );
    expect(verdict).toEqual({
      known: [],
      unexpected: [
        "aws_sns_topic.t: plan wants update; no attribute explains it",
        "aws_ecs_service.web: plan wants update; no attribute explains it",
        "aws_ecs_service.api: plan wants update; no attribute explains it",
        "aws_lb_listener.https: plan wants delete and create; no attribute explains it",
      ],
    });
  });

  it("accepts a replacement caused by a drift-replaced resource only in what refers to it", () => {
    const refers = (address: string) => (address === "aws_lb_listener.https" ? ["aws_ecs_service.web"] : []);
    expect(judgePlan({ resource_changes: [service, listener(true)] }, KNOWN_DRIFTS, refers)).toEqual({
      unexpected: [],
      known: [
        "aws_ecs_service.web: capacity_provider_strategy (the plan would replace it)",
        "aws_lb_listener.https: replaced with aws_ecs_service.web (the plan would replace it)",
      ],
    });
    expect(judgePlan({ resource_changes: [service, listener(false)] }, KNOWN_DRIFTS).unexpected).toEqual([
      "aws_lb_listener.https: plan wants delete and create; no attribute explains it",
    ]);
  });

  it("accepts a known drift only from moto's default read-back", () => {
    const other = structuredClone(service);
    other.change.before.capacity_provider_strategy = [
      { capacity_provider: "FARGATE_SPOT", weight: 1 },
    ] as never;
    expect(judgePlan({ resource_changes: [other] }, KNOWN_DRIFTS).unexpected).toEqual([
      'aws_ecs_service.web: read back differs from what was sent (the plan would replace it): capacity_provider_strategy (sent [{"capacity_provider":"FARGATE","weight":1}], read back [{"capacity_provider":"FARGATE_SPOT","weight":1}])',
    ]);
  });

  it("rejects a plan that would create or destroy something", () => {
    const created = { ...rule, change: { ...rule.change, actions: ["create"] } };
    expect(judgePlan({ resource_changes: [created] }, KNOWN_DRIFTS).unexpected).toEqual([
      "aws_vpc_security_group_ingress_rule.r: plan after apply wants create",
    ]);
  });
});

describe("running terraform", () => {
  it("kills a command that outlives its time limit and says so", async () => {
    // `terraform console` waits on its open stdin for ever.
    const dir = mkdtempSync(join(root, "console-"));
    const started = Date.now();
    const run = await terraform(["console"], dir, { PATH: process.env.PATH, HOME: dir }, 1_500);
    expect(run.status).toBe(124);
    expect(run.errors).toEqual(["terraform console: timed out after 2 s"]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("applying against moto", () => {
  // One apply each: terraform and the provider start several times per run (about a minute on a busy machine).
  jest.setTimeout(300_000);

  it("fails on a read-back that no known drift explains, after pruning what refers to a left-out type", async () => {
    const result = await apply("drift", smallStack(), { ...gaps, drifts: [] });
    expect(result.ok).toBe(false);
    expect(result.pruned.map((p) => p.address)).toEqual([
      "aws_codestarconnections_connection.source",
      "aws_sns_topic.builds",
      "output.topic",
    ]);
    // Apply and destroy succeeded; only the plan in between failed, on the one drift.
    expect(result.failures).toEqual([
      'plan: aws_vpc_security_group_ingress_rule.from_alb: read back differs from what was sent (the plan would update it): description (sent "Web port from the load balancer", read back null)',
    ]);
  });

  it("fails with the first error line on a reference to something left out of the copy", async () => {
    const broken = smallStack({
      aws_sns_topic_policy: { builds: { arn: "${aws_sns_topic.gone.arn}", policy: "{}" } },
    });
    const result = await apply("dangling", broken);
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual([
      'apply: Reference to undeclared resource: A managed resource "aws_sns_topic" "gone" has not been declared in the root module.',
    ]);
  });

  it("fails with the first error line on an API moto lacks that the list does not name", async () => {
    const connectionOnly = smallStack() as { resource: Record<string, unknown>; output?: unknown };
    connectionOnly.resource = {
      aws_codestarconnections_connection: connectionOnly.resource.aws_codestarconnections_connection,
    };
    delete connectionOnly.output;
    const result = await apply("unlisted", connectionOnly, { ...gaps, excluded: [] });
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toMatch(
      /^apply: aws_codestarconnections_connection\.source: creating CodeStar Connections Connection \(source\): .*StatusCode: 500/,
    );
  });
});

describe("moto's launcher answers a retried call with its first response", () => {
  const createRole = (invocation: string, attempt: number) =>
    fetch(`${moto.endpoint}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
        "amz-sdk-invocation-id": invocation,
        "amz-sdk-request": `attempt=${attempt}; max=3`,
      },
      body: new URLSearchParams({
        Action: "CreateRole",
        Version: "2010-05-08",
        RoleName: "replayed",
        AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
      }),
    }).then(async (r) => ({ status: r.status, body: await r.text() }));
  let moto: Moto;
  const logFile = join(root, "replay-moto.log");
  beforeAll(async () => {
    const python = findMotoPython();
    if (!python) throw new Error(`moto's server is missing: ${MOTO_INSTALL}`);
    moto = await startMoto({ python, account: ACCOUNT, zones: [], logFile });
  });
  afterAll(() => moto?.stop());

  it("replays the same answer to a second attempt of one invocation, and only to it", async () => {
    const first = await createRole("11111111-aaaa", 1);
    expect(first.status).toBe(200);
    // What the SDK sends after a dropped connection: the same invocation id, the next attempt.
    const retry = await createRole("11111111-aaaa", 2);
    expect(retry).toEqual(first);
    // A new call is moto's to answer: the role exists.
    const again = await createRole("22222222-bbbb", 1);
    expect(again.status).toBe(409);
    expect(again.body).toMatch(/EntityAlreadyExists/);
    expect(readFileSync(logFile, "utf8")).toMatch(
      new RegExp(`^${REPLAY_MARK} attempt=2;max=3 CreateRole 200`, "m"),
    );
  });
});
