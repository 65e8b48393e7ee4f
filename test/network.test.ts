import { homedir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { contains, parseCidr } from "../config/cidr";
import { resolverFor, simulate, stackSubstitutions } from "./support/iam";

/** Whether a NACL's (allow-only) rules admit TCP from `ip` to `port`: the first matching rule decides. */
const admits = (rules: Body[], ip: string, port: number) => {
  const host = parseCidr(`${ip}/32`);
  if (!host) throw new Error(`not an address: ${ip}`);
  return rules.some((r) => {
    const block = parseCidr(r.cidr_block);
    return block !== undefined && contains(block, host) && r.from_port <= port && port <= r.to_port;
  });
};
/** An address in S3's eu-west-1 / us-east-1 public ranges, and one of anyone on the internet. */
const S3_ADDRESS = "52.218.0.10";
const STRANGER = "203.0.113.7";

import {
  type Body,
  configFromText,
  loadConfig,
  policyOf,
  ref,
  resourceNamed,
  resourcesOf,
  type StackJson,
  synthConfig,
} from "./support/synth";

const namesOf = (json: StackJson, type: string) => resourcesOf(json, type).map(([n]) => n);

describe.each([
  ["dev", 2, 1],
  ["prod", 3, 3],
])("the %s network", (env, azCount, natCount) => {
  const config = loadConfig(`config/${env}.yaml`);
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(config);
  });

  it("is a VPC with DNS support and hostnames on the configured range", () => {
    const [[, vpc]] = resourcesOf(json, "aws_vpc");
    expect(vpc).toMatchObject({
      cidr_block: config.network.cidr,
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
  });

  it("has a public and a private subnet in every AZ, with the derived ranges and no public IPs", () => {
    const subnets = resourcesOf(json, "aws_subnet").map(([, s]) => s);
    expect(subnets).toHaveLength(2 * azCount);
    for (const tier of ["public", "private"] as const) {
      const tierSubnets = subnets.filter((s) => s.tags.Tier === tier);
      expect(tierSubnets.map((s) => s.availability_zone)).toEqual(config.network.availabilityZones);
      expect(tierSubnets.map((s) => s.cidr_block)).toEqual(config.network.subnets[tier]);
    }
    for (const s of subnets) expect(s.map_public_ip_on_launch).toBe(false);
  });

  it(`has ${natCount} NAT gateway(s) in public subnets, and routes each private subnet through one`, () => {
    const nats = resourcesOf(json, "aws_nat_gateway");
    expect(nats).toHaveLength(natCount);
    const publicSubnetNames = namesOf(json, "aws_subnet").filter((n) => n.includes("public"));
    for (const [, nat] of nats) {
      expect(publicSubnetNames.map((n) => ref("aws_subnet", n))).toContain(nat.subnet_id);
    }
    const privateTables = resourcesOf(json, "aws_route_table").filter(([n]) => n.includes("private-routes"));
    expect(privateTables).toHaveLength(azCount);
    const targets = privateTables.map(([, t]) => t.route[0].nat_gateway_id);
    expect(new Set(targets).size).toBe(natCount);
    for (const t of targets) expect(nats.map(([n]) => ref("aws_nat_gateway", n))).toContain(t);
  });

  it("routes the public tier to the internet gateway", () => {
    const table = resourceNamed(json, "aws_route_table", "public-routes");
    const [[igw]] = resourcesOf(json, "aws_internet_gateway");
    expect(table.route).toEqual([
      expect.objectContaining({
        cidr_block: "0.0.0.0/0",
        gateway_id: ref("aws_internet_gateway", igw),
        nat_gateway_id: null,
      }),
    ]);
  });

  it("strips every rule from the default security group", () => {
    const [[, group]] = resourcesOf(json, "aws_default_security_group");
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  describe("network ACLs", () => {
    const rules = (part: string, direction: "ingress" | "egress") =>
      resourceNamed(json, "aws_network_acl", part)[direction] as Body[];

    it("cover every subnet of their tier", () => {
      const subnetRefs = (tier: string) =>
        namesOf(json, "aws_subnet")
          .filter((n) => n.startsWith(`network_${tier}-`))
          .map((n) => ref("aws_subnet", n));
      expect(resourceNamed(json, "aws_network_acl", "public-acl").subnet_ids).toEqual(subnetRefs("public"));
      expect(resourceNamed(json, "aws_network_acl", "private-acl").subnet_ids).toEqual(subnetRefs("private"));
    });

    it("allow only TCP, never all protocols or all ports", () => {
      for (const [, acl] of resourcesOf(json, "aws_network_acl")) {
        for (const rule of [...acl.ingress, ...acl.egress]) {
          expect(rule.protocol).toBe("tcp");
          expect(rule.action).toBe("allow");
          expect(rule.to_port - rule.from_port).toBeLessThan(65535);
        }
      }
    });

    it(
      env === "dev"
        ? "let the internet reach the public tier on 80 and 443 (the ALB) and ephemeral return ports only"
        : "let the internet reach the public tier on ephemeral return ports only (the ALB is internal)",
      () => {
        const fromAnywhere = rules("public-acl", "ingress").filter((r) => r.cidr_block === "0.0.0.0/0");
        const http = [
          [443, 443],
          [80, 80],
        ];
        expect(fromAnywhere.map((r) => [r.from_port, r.to_port])).toEqual([
          ...(env === "dev" ? http : []),
          [1024, 65535],
        ]);
      },
    );

    it("let nothing reach the private tier below the ephemeral range except HTTPS to endpoints from the VPC", () => {
      for (const rule of rules("private-acl", "ingress")) {
        if (rule.from_port < 1024) {
          expect(rule).toMatchObject({ from_port: 443, to_port: 443, cidr_block: config.network.cidr });
        }
      }
    });

    it("admit nothing from outside the VPC to the private tier's remote-admin ports (EC2.21, CKV_AWS_231)", () => {
      const ingress = rules("private-acl", "ingress");
      for (const port of [22, 3389, 1024, 32767, 61000]) expect(admits(ingress, STRANGER, port)).toBe(false);
    });

    it("admit replies to the tasks' own connections (NAT, S3 gateway endpoint) on Linux's client ports", () => {
      const ingress = rules("private-acl", "ingress");
      for (const port of [32768, 45000, 60999]) {
        expect(admits(ingress, STRANGER, port)).toBe(true);
        expect(admits(ingress, S3_ADDRESS, port)).toBe(true);
      }
    });

    it("let the private tier out on the configured egress ports only", () => {
      const outward = rules("private-acl", "egress").filter((r) => r.cidr_block === "0.0.0.0/0");
      expect(outward.map((r) => r.from_port)).toEqual(config.network.egressPorts);
    });
  });

  describe("flow logs", () => {
    it("record ALL traffic of the VPC into the KMS-encrypted log group", () => {
      const [[, flow]] = resourcesOf(json, "aws_flow_log");
      const [[groupName, group]] = resourcesOf(json, "aws_cloudwatch_log_group").filter(([n]) =>
        n.includes("flow-logs"),
      );
      const [[keyName]] = resourcesOf(json, "aws_kms_key").filter(([n]) => n.startsWith("logs-key_"));
      expect(flow).toMatchObject({
        traffic_type: "ALL",
        log_destination_type: "cloud-watch-logs",
        log_destination: ref("aws_cloudwatch_log_group", groupName, "arn"),
        max_aggregation_interval: config.network.flowLogs.aggregationIntervalSeconds,
      });
      expect(flow.log_format).toMatch(/^\$\$\{version\} .* \$\$\{flow-direction\} \$\$\{traffic-path\}$/);
      expect(group).toMatchObject({
        name: `/fws/${env}/vpc-flow-logs`,
        retention_in_days: config.network.flowLogs.retentionDays,
        kms_key_id: ref("aws_kms_key", keyName, "arn"),
      });
    });

    it("write through a role only VPC Flow Logs of this account can assume, and only into that group", () => {
      const role = resourceNamed(json, "aws_iam_role", "flow-logs");
      const trust = policyOf(role.assume_role_policy).Statement[0];
      expect(trust.Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
      expect(trust.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": config.account },
        ArnLike: { "aws:SourceArn": `arn:aws:ec2:eu-west-1:${config.account}:vpc-flow-log/*` },
      });
      const policy = policyOf(resourceNamed(json, "aws_iam_role_policy", "flow-logs").policy);
      const groupArn = `arn:aws:logs:eu-west-1:${config.account}:log-group:/fws/${env}/vpc-flow-logs`;
      const resolve = resolverFor(json, { account: config.account, region: "eu-west-1" });
      expect(resolve(policy.Statement)).toEqual([
        {
          Sid: "WriteFlowLogRecords",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [groupArn, `${groupArn}:*`],
        },
      ]);
    });
  });

  it("encrypts logs with a rotating key that CloudWatch Logs may use only for this environment's groups", () => {
    const key = resourcesOf(json, "aws_kms_key").find(([n]) => n.startsWith("logs-key_"))![1];
    expect(key.enable_key_rotation).toBe(true);
    const statements = policyOf(key.policy).Statement;
    const logs = statements.find((s) => s.Principal?.Service === "logs.eu-west-1.amazonaws.com");
    const groups: string[] = logs?.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"];
    const groupArn = (name: string) => `arn:aws:logs:eu-west-1:${config.account}:log-group:${name}`;
    // The groups the modules create on it, by name (test/logs-key.test.ts checks every one of them).
    expect(groups[0]).toBe(groupArn(`/fws/${env}/vpc-flow-logs`));
    expect(groups).toContain(groupArn(`/fws/${env}/site/app`));
    for (const group of groups) {
      expect(group).toMatch(
        new RegExp(
          `^arn:aws:logs:eu-west-1:${config.account}:log-group:(/fws/${env}/|aws-waf-logs-fws-${env}-)[^*]+$`,
        ),
      );
    }
    expect(logs?.Action).not.toContain("kms:*");
  });

  it(`protects data ${env === "prod" ? "from destruction in production" : "only in production, not in dev"}`, () => {
    const protectedOnes = [
      ...resourcesOf(json, "aws_kms_key").map(([, r]) => r),
      resourceNamed(json, "aws_cloudwatch_log_group", "flow-logs"),
    ];
    for (const r of protectedOnes) expect(r.lifecycle?.prevent_destroy ?? false).toBe(env === "prod");
    for (const [, key] of resourcesOf(json, "aws_kms_key")) {
      expect(key.deletion_window_in_days).toBe(env === "prod" ? 30 : 7);
    }
  });

  it("configures the provider for the environment's account and region, with default tags", () => {
    expect(json.provider.aws[0]).toEqual({
      region: "eu-west-1",
      allowed_account_ids: [config.account],
      default_tags: [
        {
          tags: {
            ...config.tags,
            project: "fws",
            environment: env,
            "managed-by": "fargate-web-stack (cdktf)",
          },
        },
      ],
    });
  });

  it("uses no data source that would call an AWS API", () => {
    const apiCalling = ["aws_caller_identity", "aws_availability_zones", "aws_ec2_managed_prefix_list"];
    for (const type of apiCalling) expect(json.data?.[type]).toBeUndefined();
  });

  it("outputs the VPC and subnet ids", () => {
    expect(Object.keys(json.output ?? {})).toEqual(
      expect.arrayContaining(["private_subnet_ids", "public_subnet_ids", "vpc_id"]),
    );
  });
});

describe("VPC endpoints (prod)", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(loadConfig("config/prod.yaml"));
  });

  it("put ECR and Logs interface endpoints with private DNS into every private subnet", () => {
    const endpoints = resourcesOf(json, "aws_vpc_endpoint")
      .map(([, e]) => e)
      .filter((e) => e.vpc_endpoint_type === "Interface");
    expect(endpoints.map((e) => e.service_name).sort()).toEqual([
      "com.amazonaws.eu-west-1.ecr.api",
      "com.amazonaws.eu-west-1.ecr.dkr",
      "com.amazonaws.eu-west-1.logs",
    ]);
    for (const e of endpoints) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toHaveLength(3);
    }
  });

  it("admit only HTTPS from the VPC into the endpoints' security group", () => {
    const rules = resourcesOf(json, "aws_vpc_security_group_ingress_rule")
      .filter(([n]) => n.includes("endpoints"))
      .map(([, r]) => r);
    expect(rules).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_ipv4: "10.20.0.0/16",
      }),
    ]);
    expect(
      resourcesOf(json, "aws_vpc_security_group_egress_rule").filter(([n]) => n.includes("endpoints")),
    ).toEqual([]);
  });

  it("route S3 through a gateway endpoint on every private route table", () => {
    const s3 = resourcesOf(json, "aws_vpc_endpoint")
      .map(([, e]) => e)
      .find((e) => e.vpc_endpoint_type === "Gateway");
    expect(s3?.service_name).toBe("com.amazonaws.eu-west-1.s3");
    expect(s3?.route_table_ids).toHaveLength(3);
  });
});

describe("options beyond the examples", () => {
  const base = `
account: "123456789012"
region: us-east-1
loadBalancer: { allowHttpWithoutDomain: true }
edge: { mode: none }
service: { images: { tag: "1.0.0" } }
network:
  cidr: 10.0.0.0/20
  availabilityZones: [us-east-1a, us-east-1b]
`;

  it("without NAT, routes nothing to the internet yet admits S3's replies through the gateway endpoint (image layers)", () => {
    const json = synthConfig(
      configFromText(`${base}  natGateways: none\n  endpoints: { interface: [ecr.api, ecr.dkr, logs] }\n`),
    );
    expect(resourcesOf(json, "aws_nat_gateway")).toEqual([]);
    for (const [name, table] of resourcesOf(json, "aws_route_table")) {
      if (name.includes("private")) expect(table.route).toEqual([]);
    }
    const gateway = resourcesOf(json, "aws_vpc_endpoint").find(([, e]) => e.vpc_endpoint_type === "Gateway");
    expect(gateway?.[1].service_name).toBe("com.amazonaws.us-east-1.s3");
    const ingress = resourceNamed(json, "aws_network_acl", "private-acl").ingress as Body[];
    expect(admits(ingress, S3_ADDRESS, 45000)).toBe(true);
    expect(admits(ingress, S3_ADDRESS, 3389)).toBe(false);
  });

  it("lets log delivery write the Hive-partitioned objects the flow log produces, and nothing outside them", async () => {
    const json = synthConfig(configFromText(`${base}  flowLogs: { destination: s3, retentionDays: 30 }\n`));
    const [[, flow]] = resourcesOf(json, "aws_flow_log");
    expect(flow.destination_options).toMatchObject({ hive_compatible_partitions: true });
    const bucket = "arn:aws:s3:::fws-test-flow-logs-123456789012-us-east-1";
    const put = (key: string) =>
      simulate({
        resourcePolicy: resourceNamed(json, "aws_s3_bucket_policy", "flow-logs").policy,
        principal: "delivery.logs.amazonaws.com",
        action: "s3:PutObject",
        resource: `${bucket}/${key}`,
        resourceAccount: "123456789012",
        substitutions: stackSubstitutions(json, { account: "123456789012", region: "us-east-1" }),
        context: {
          "aws:SourceAccount": "123456789012",
          "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:*",
          "s3:x-amz-acl": "bucket-owner-full-control",
        },
      });
    const hive =
      "AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=12/day=04/hour=10/f.log.parquet";
    expect(await put(hive)).toBe("Allowed");
    expect(await put("AWSLogs/aws-account-id=111111111111/aws-service=vpcflowlogs/f.log.parquet")).toBe(
      "ImplicitlyDenied",
    );
    expect(await put("elsewhere/f.log.parquet")).toBe("ImplicitlyDenied");
  });

  it("sends flow logs to an SSE-S3 bucket that only log delivery of this account may write to", () => {
    const json = synthConfig(configFromText(`${base}  flowLogs: { destination: s3, retentionDays: 30 }\n`));
    const [[, flow]] = resourcesOf(json, "aws_flow_log");
    expect(flow.log_destination_type).toBe("s3");
    const resolve = resolverFor(json, { account: "123456789012", region: "us-east-1" });
    expect(resolve(flow.log_destination)).toBe("arn:aws:s3:::fws-test-flow-logs-123456789012-us-east-1");
    const policy = policyOf(resourceNamed(json, "aws_s3_bucket_policy", "flow-logs").policy);
    expect(policy.Statement[0]).toMatchObject({ Sid: "DenyInsecureTransport", Effect: "Deny" });
    expect(policy.Statement[1].Condition.StringEquals["aws:SourceAccount"]).toBe("123456789012");
    const lifecycle = resourceNamed(json, "aws_s3_bucket_lifecycle_configuration", "flow-logs");
    expect(lifecycle.rule[0].expiration).toEqual([{ days: 30 }]);
    const block = resourceNamed(json, "aws_s3_bucket_public_access_block", "flow-logs");
    expect(block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("keeps local state outside the generated cdktf.out and the clone, where no clean-up deletes it", () => {
    const json = synthConfig(configFromText(base));
    const path = json.terraform.backend.local.path as string;
    expect(path).toBe(join(homedir(), ".terraform-state", "fargate-web-stack", "fws-test.tfstate"));
    // Terraform resolves a relative path against the stack's directory, cdktf.out/stacks/<env>.
    expect(isAbsolute(path)).toBe(true);
    expect(relative(process.cwd(), path).startsWith("..")).toBe(true);
  });

  it("keeps local state where config says, relative to the project", () => {
    const json = synthConfig(configFromText(`${base}state: { localDirectory: ../tf-state }\n`));
    expect(json.terraform.backend.local.path).toBe(resolve("..", "tf-state", "fws-test.tfstate"));
  });

  it("declares the Terraform version S3-native locking (use_lockfile) needs", () => {
    const json = synthConfig(configFromText(base));
    expect(json.terraform.required_version).toBe(">= 1.10.0");
  });

  it("writes an S3 backend with native locking and an assumed role when config asks", () => {
    const json = synthConfig(
      configFromText(
        `${base}state:\n  backend: s3\n  s3: { bucket: team-tf-state, roleArn: "arn:aws:iam::123456789012:role/terraform" }\n`,
      ),
    );
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: "team-tf-state",
        key: "fargate-web-stack/fws/test.tfstate",
        region: "us-east-1",
        encrypt: true,
        use_lockfile: true,
        assume_role: { role_arn: "arn:aws:iam::123456789012:role/terraform" },
      },
    });
  });
});
