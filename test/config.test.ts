import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvironments, parseEnvironment } from "../config/load";
import { loadConfig, resourcesOf, synthConfig } from "./support/synth";

const VALID = `
account: "123456789012"
region: eu-west-1
loadBalancer:
  allowHttpWithoutDomain: true
edge:
  mode: alb-waf
service:
  images: { tag: "1.0.0" }
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b]
`;

/** The errors of `VALID` with `edit` applied to its text. */
function errorsOf(text: string, name = "test"): string[] {
  const result = parseEnvironment(text, "config/test.yaml", name);
  return "errors" in result ? result.errors : [];
}

describe("the shipped examples", () => {
  const { environments, errors } = loadEnvironments("config");

  it("validate without errors", () => {
    expect(errors).toEqual([]);
    expect(environments.map((e) => e.name)).toEqual(["dev", "prod"]);
  });

  it("differ as promised: dev 2 AZs and one NAT, prod 3 AZs, a NAT per AZ, production", () => {
    const [dev, prod] = environments;
    expect(dev.network.availabilityZones).toHaveLength(2);
    expect(dev.network.natGateways).toBe("single");
    expect(dev.production).toBe(false);
    expect(prod.network.availabilityZones).toHaveLength(3);
    expect(prod.network.natGateways).toBe("perAz");
    expect(prod.production).toBe(true);
    expect(prod.network.flowLogs.retentionDays).toBeGreaterThan(dev.network.flowLogs.retentionDays);
  });
});

describe("the prod example's retention", () => {
  it("keeps every CloudWatch log group and every log bucket at least a year, as an audit expects", () => {
    const json = synthConfig(loadConfig("config/prod.yaml"));
    const groups = resourcesOf(json, "aws_cloudwatch_log_group").map(([name, g]) => ({
      name,
      days: g.retention_in_days as number,
    }));
    expect(groups.filter((g) => g.days < 365)).toEqual([]);
    const expiries = resourcesOf(json, "aws_s3_bucket_lifecycle_configuration").flatMap(([n, l]) =>
      (l.rule as { expiration?: { days: number }[] }[]).flatMap((r) =>
        (r.expiration ?? []).map((e) => ({ name: n, days: e.days })),
      ),
    );
    // Pipeline artifacts are build inputs, not records.
    expect(expiries.filter((e) => e.days < 365 && !e.name.includes("artifacts"))).toEqual([]);
  });
});

describe("defaults", () => {
  const result = parseEnvironment(VALID, "config/test.yaml", "test");
  const env = "environment" in result ? result.environment : undefined;

  it("come from the schema: local state, NAT per AZ, port 443 egress, flow logs to CloudWatch for 90 days", () => {
    expect(env?.state).toEqual({
      backend: "local",
      localDirectory: join(homedir(), ".terraform-state", "fargate-web-stack"),
    });
    expect(env?.network.natGateways).toBe("perAz");
    expect(env?.network.egressPorts).toEqual([443]);
    expect(env?.network.flowLogs).toEqual({
      destination: "cloudwatch",
      retentionDays: 90,
      aggregationIntervalSeconds: 600,
    });
    expect(env?.network.endpoints).toEqual({ s3Gateway: true, interface: [] });
    expect(env?.project).toBe("fws");
  });

  it("derive the subnets from the VPC range", () => {
    expect(env?.network.subnets).toEqual({
      private: ["10.0.0.0/20", "10.0.16.0/20"],
      public: ["10.0.128.0/20", "10.0.144.0/20"],
    });
  });
});

describe("a bad config file", () => {
  it.each([
    [
      "a typo'd key",
      VALID.replace("network:", "netwrok: {}\nnetwork:"),
      "config/test.yaml: netwrok: unknown key (a typo?); remove it or fix its name",
    ],
    [
      "a nested typo'd key",
      `${VALID}  natGateway: single\n`,
      "config/test.yaml: network.natGateway: unknown key",
    ],
    [
      "an unquoted account id",
      VALID.replace('"123456789012"', "123456789012"),
      "config/test.yaml: account: expected a 12-digit AWS account id in quotes, got 123456789012",
    ],
    [
      "a short account id",
      VALID.replace("123456789012", "12345"),
      'account: expected a 12-digit AWS account id in quotes, got "12345"',
    ],
    [
      "an unknown region",
      VALID.replace("region: eu-west-1", "region: europe"),
      'region: expected an AWS region such as eu-west-1, got "europe"',
    ],
    [
      "a typo in the region, blamed on the region and not on the AZs that follow it",
      VALID.replace("region: eu-west-1", "region: eu-wset-1"),
      'region: expected an AWS region such as eu-west-1 (did you mean eu-west-1?), got "eu-wset-1"',
    ],
    [
      "a region of the right shape that AWS does not have",
      VALID.replace("region: eu-west-1", "region: eu-east-7"),
      "region: expected an AWS region such as eu-west-1",
    ],
    [
      "a VPC-origin security group without VPC origins",
      VALID.replace("mode: alb-waf", "mode: alb-waf\n  vpcOriginSecurityGroupId: sg-0123456789abcdef0"),
      'edge.vpcOriginSecurityGroupId: expected no VPC-origin security group outside the cloudfront-vpc-origin mode, got one with "alb-waf"',
    ],
    [
      "an AZ of another region",
      VALID.replace("eu-west-1b", "us-east-1b"),
      'network.availabilityZones.1: expected an AZ of region eu-west-1 (such as eu-west-1a), got "us-east-1b"',
    ],
    [
      "the same AZ twice",
      VALID.replace("eu-west-1b", "eu-west-1a"),
      'network.availabilityZones.1: expected each AZ once, got "eu-west-1a" again',
    ],
    [
      "one AZ",
      VALID.replace(", eu-west-1b", ""),
      "network.availabilityZones: expected at least 2 items, got 1",
    ],
    [
      "a malformed CIDR",
      VALID.replace("10.0.0.0/16", "10.0.0/16"),
      'network.cidr: expected an IPv4 CIDR block such as 10.0.0.0/16 (no host bits set), got "10.0.0/16"',
    ],
    [
      "a VPC that is too large",
      VALID.replace("10.0.0.0/16", "10.0.0.0/8"),
      "network.cidr: expected a VPC range from /16 to /24, got /8",
    ],
    [
      "a NAT mode that does not exist",
      `${VALID}  natGateways: one\n`,
      'network.natGateways: expected one of "none" | "single" | "perAz", got "one"',
    ],
    [
      "a retention CloudWatch refuses",
      `${VALID}  flowLogs: { retentionDays: 10 }\n`,
      "network.flowLogs.retentionDays: expected a CloudWatch Logs retention period (1, 3, 5",
    ],
    [
      "a port out of range",
      `${VALID}  egressPorts: [443, 70000]\n`,
      "network.egressPorts.1: expected at most 65535, got 70000",
    ],
    [
      "a subnet outside the VPC",
      `${VALID}  subnets: { public: [10.0.0.0/24, 10.1.0.0/24], private: [10.0.2.0/24, 10.0.3.0/24] }\n`,
      "network.subnets.public.1: expected a range inside the VPC's 10.0.0.0/16, got 10.1.0.0/24",
    ],
    [
      "overlapping subnets",
      `${VALID}  subnets: { public: [10.0.0.0/24, 10.0.1.0/24], private: [10.0.0.0/23, 10.0.3.0/24] }\n`,
      "network.subnets.private.0: expected a range that overlaps no other subnet, got 10.0.0.0/23 (overlaps 10.0.0.0/24)",
    ],
    [
      "a subnet list shorter than the AZs",
      `${VALID}  subnets: { public: [10.0.0.0/24], private: [10.0.2.0/24, 10.0.3.0/24] }\n`,
      "network.subnets.public: expected 2 CIDRs (one per AZ), got 1",
    ],
    [
      "no NAT and no endpoints",
      `${VALID}  natGateways: none\n`,
      'network.natGateways: expected "single" or "perAz", or endpoints that let private tasks pull images and write logs without NAT; got "none" without ecr.api, ecr.dkr, logs',
    ],
    [
      "a single NAT in production",
      `production: true\n${VALID}  natGateways: single\n`,
      'network.natGateways: expected "perAz" or "none" in a production environment (a single NAT gateway fails with its AZ), got "single"',
    ],
    [
      "an S3 backend without settings",
      `${VALID}state: { backend: s3 }\n`,
      "state.s3: expected the S3 backend's settings (bucket at least) when state.backend is s3, got nothing",
    ],
    [
      "a reserved tag key",
      `${VALID}tags: { "aws:owner": me }\n`,
      "tags.aws:owner: expected a tag key of 1-128 letters",
    ],
    [
      "a missing required field",
      VALID.replace('account: "123456789012"\n', ""),
      "config/test.yaml: account: expected a 12-digit AWS account id in quotes, got nothing",
    ],
    [
      "broken YAML",
      `${VALID}  natGateways: [single\n`,
      "config/test.yaml: line 14, column 1: expected valid YAML, got",
    ],
    ["a duplicate key", `${VALID}region: us-east-1\n`, "expected valid YAML, got Map keys must be unique"],
  ])("with %s gets a message naming file, field, expectation and value", (_what, text, message) => {
    const errors = errorsOf(text);
    expect(errors.some((e) => e.includes(message))).toBe(true);
    for (const e of errors) expect(e.startsWith("config/test.yaml: ")).toBe(true);
  });

  it.each([
    [
      "no domain without consent to HTTP",
      VALID.replace("  allowHttpWithoutDomain: true\n", "  idleTimeoutSeconds: 60\n"),
      "loadBalancer.domain: expected a domain (name and hostedZoneId) for HTTPS, or allowHttpWithoutDomain: true for an HTTP-only environment, got nothing",
    ],
    [
      "HTTP only in production",
      `production: true\n${VALID}  natGateways: perAz\n`,
      "loadBalancer.allowHttpWithoutDomain: expected false in a production environment (HTTPS only), got true",
    ],
    [
      "one task in production",
      `production: true\n${VALID.replace('tag: "1.0.0" }', 'tag: "1.0.0" }\n  desiredCount: 1\n  autoscaling: { minCount: 1 }')}`,
      "service.desiredCount: expected at least 2 in a production environment (two AZs), got 1",
    ],
    [
      "a memory size Fargate does not offer",
      VALID.replace('tag: "1.0.0" }', 'tag: "1.0.0" }\n  cpu: 512\n  memory: 512'),
      "service.memory: expected 1024-4096 MiB in steps of 1024 for 512 CPU units (Fargate's pairs: 256 CPU: 512-2048 MiB by 512; 512 CPU: 1024-4096 MiB by 1024; 1024 CPU: 2048-8192 MiB by 1024; 2048 CPU: 4096-16384 MiB by 1024; 4096 CPU: 8192-30720 MiB by 1024; 8192 CPU: 16384-61440 MiB by 4096; 16384 CPU: 32768-122880 MiB by 8192), got 512",
    ],
    [
      "a CPU size Fargate does not offer",
      VALID.replace('tag: "1.0.0" }', 'tag: "1.0.0" }\n  cpu: 300'),
      "service.cpu: expected Fargate CPU units with their memory (256 CPU: 512-2048 MiB by 512; 512 CPU: 1024-4096 MiB by 1024; 1024 CPU: 2048-8192 MiB by 1024; 2048 CPU: 4096-16384 MiB by 1024; 4096 CPU: 8192-30720 MiB by 1024; 8192 CPU: 16384-61440 MiB by 4096; 16384 CPU: 32768-122880 MiB by 8192), got 300",
    ],
    [
      "a desired count below the scaling range",
      VALID.replace(
        'tag: "1.0.0" }',
        'tag: "1.0.0" }\n  desiredCount: 1\n  autoscaling: { minCount: 2, maxCount: 4 }',
      ),
      "service.desiredCount: expected autoscaling.minCount ≤ desiredCount ≤ autoscaling.maxCount (2-4), got 1",
    ],
    [
      "a desired count above the scaling range",
      VALID.replace(
        'tag: "1.0.0" }',
        'tag: "1.0.0" }\n  desiredCount: 5\n  autoscaling: { minCount: 2, maxCount: 4 }',
      ),
      "service.desiredCount: expected autoscaling.minCount ≤ desiredCount ≤ autoscaling.maxCount (2-4), got 5",
    ],
    [
      "no image tag for the stack's repositories",
      VALID.replace('  images: { tag: "1.0.0" }\n', "  desiredCount: 2\n"),
      "service.images.tag: expected the tag to deploy from the stack's repositories (e.g. a commit id), got nothing",
    ],
    [
      "an image without tag or digest",
      VALID.replace('tag: "1.0.0" }', 'web: nginx, tag: "1" }'),
      "service.images.web: expected an image reference with a tag or digest",
    ],
    [
      "draining longer than the stop timeout",
      VALID.replace(
        "  allowHttpWithoutDomain: true",
        "  allowHttpWithoutDomain: true\n  deregistrationDelaySeconds: 60",
      ),
      "loadBalancer.deregistrationDelaySeconds: expected less than service.stopTimeoutSeconds (45), so connections drain before containers stop; got 60",
    ],
    [
      "an ALB idle timeout nginx disagrees with",
      VALID.replace(
        "  allowHttpWithoutDomain: true",
        "  allowHttpWithoutDomain: true\n  idleTimeoutSeconds: 120",
      ),
      "loadBalancer.idleTimeoutSeconds: expected a timeout nginx agrees with: ALB idle timeout 120 s must be shorter than nginx's keepalive_timeout (75 s); got 120",
    ],
    [
      "a stop timeout shorter than a graceful stop",
      VALID.replace('tag: "1.0.0" }', 'tag: "1.0.0" }\n  stopTimeoutSeconds: 10'),
      "service.stopTimeoutSeconds: expected at least 30 (nginx and uwsgi stop gracefully within 25 s), got 10",
    ],
    [
      "a wildcard in a task role action",
      VALID.replace(
        'tag: "1.0.0" }',
        'tag: "1.0.0" }\n  taskRoleStatements: [{ sid: All, actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"] }]',
      ),
      'service.taskRoleStatements.0.actions.0: expected service:Action with no wildcard, got "s3:*"',
    ],
    [
      "a secret that is not an ARN",
      VALID.replace('tag: "1.0.0" }', 'tag: "1.0.0" }\n  secrets: { DB_PASSWORD: hunter2 }'),
      'service.secrets.DB_PASSWORD: expected the ARN of an SSM parameter or a Secrets Manager secret, got "hunter2"',
    ],
    [
      "a night stop in production",
      `production: true\n${VALID.replace("allowHttpWithoutDomain: true", "domain: { name: a.example.com, hostedZoneId: Z0AB }").replace('tag: "1.0.0" }', 'tag: "1.0.0" }\n  autoscaling: { schedule: { stopAt: "cron(0 20 * * ? *)", startAt: "cron(0 7 * * ? *)" } }')}`,
      "service.autoscaling.schedule: expected no scale-to-zero schedule in a production environment, got one",
    ],
  ])("with %s in the web tier gets a clear message", (_what, text, message) => {
    const errors = errorsOf(text);
    expect(errors.some((e) => e.includes(message))).toBe(true);
  });

  it("reports several errors of one file together", () => {
    const text = VALID.replace('"123456789012"', "1")
      .replace("eu-west-1\n", "nowhere\n")
      .replace("network:", "extra: 1\nnetwork:");
    const errors = errorsOf(text);
    expect(errors).toHaveLength(3);
    expect(errors.map((e) => e.split(":")[1].trim())).toEqual(
      expect.arrayContaining(["account", "region", "extra"]),
    );
  });

  it("with a name that cannot name a stack is refused", () => {
    expect(errorsOf(VALID, "Prod_EU")).toEqual([
      'config/test.yaml: file name: expected 2-16 lowercase letters and digits, starting with a letter and without "-" (it names the stack and every resource, before the service\'s name: "dev-api" + "x" would read as "dev" + "api-x"), got "Prod_EU"',
    ]);
  });

  it("with a hyphen in its name is refused, since environment and service names would run together", () => {
    expect(errorsOf(VALID, "dev-api")).toEqual([
      'config/test.yaml: file name: expected 2-16 lowercase letters and digits, starting with a letter and without "-" (it names the stack and every resource, before the service\'s name: "dev-api" + "x" would read as "dev" + "api-x"), got "dev-api"',
    ]);
    expect(errorsOf(VALID, "dev")).toEqual([]);
  });
});

describe("main.ts", () => {
  const run = (configDir: string, outdir: string) =>
    spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      env: { ...process.env, CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });

  it("exits non-zero, lists every problem of every file, and writes no stack", () => {
    const dir = mkdtempSync(join(tmpdir(), "fws-config-"));
    writeFileSync(join(dir, "good.yaml"), VALID);
    writeFileSync(
      join(dir, "bad.yaml"),
      VALID.replace("eu-west-1b", "eu-west-2b").replace('"123456789012"', "12"),
    );
    const out = join(dir, "out");
    const result = run(dir, out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid configuration (2 problems); nothing was synthesized:");
    expect(result.stderr).toContain(
      "bad.yaml: account: expected a 12-digit AWS account id in quotes, got 12",
    );
    expect(result.stderr).toContain(
      "bad.yaml: network.availabilityZones.1: expected an AZ of region eu-west-1",
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, "stacks"))).toBe(false);
  });

  it("synthesizes one stack per file of CONFIG_DIR, named after the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "fws-config-"));
    mkdirSync(join(dir, "envs"));
    writeFileSync(join(dir, "envs", "staging.yaml"), VALID);
    const out = join(dir, "out");
    const result = run(join(dir, "envs"), out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(join(out, "stacks"))).toEqual(["staging"]);
  });

  it("names a config directory that does not exist", () => {
    const result = run("/nonexistent/config", mkdtempSync(join(tmpdir(), "fws-out-")));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "/nonexistent/config: expected a directory of environment files, got nothing there",
    );
  });
});
