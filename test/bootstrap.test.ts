import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { loadEnvironments } from "../config/load";
import { loadBootstrap, parseBootstrap } from "../config/load-bootstrap";
import type { BootstrapConfig } from "../config/schema/bootstrap";
import { policiesNamed, synthBootstrapped } from "./support/bootstrap";
import { simulate } from "./support/iam";
import {
  type Body,
  configFromText,
  policyOf,
  resourcesOf,
  type StackJson,
  synthConfig,
} from "./support/synth";

/** The bootstrap stack of each account: state backend, roles' trust, outputs, configuration. */

const app = synthBootstrapped();
const dev = app.stacks["bootstrap-111111111111"];
const one = (stack: StackJson, type: string): Body => {
  const all = resourcesOf(stack, type);
  expect(all).toHaveLength(1);
  return all[0][1];
};
const role = (stack: StackJson, name: string) =>
  resourcesOf(stack, "aws_iam_role")
    .map(([, r]) => r)
    .find((r) => r.name === name) as Body;

describe("npm run synth with config/bootstrap.yaml", () => {
  it("writes one bootstrap stack per account beside the environments", () => {
    expect(Object.keys(app.stacks).sort()).toEqual([
      "bootstrap-111111111111",
      "bootstrap-222222222222",
      "dev",
      "prod",
    ]);
    expect(loadEnvironments("config").environments.map((e) => e.name)).toEqual(["dev", "prod"]);
  });

  it("gives every role of the environments the bootstrap's permissions boundary", () => {
    for (const env of ["dev", "prod"]) {
      const roles = resourcesOf(app.stacks[env], "aws_iam_role").map(([, r]) => r.permissions_boundary);
      const account = env === "dev" ? "111111111111" : "222222222222";
      expect(new Set(roles)).toEqual(
        new Set([`arn:aws:iam::${account}:policy/fws-bootstrap-${env}-boundary`]),
      );
      const boundaries = policiesNamed(app.stacks[`bootstrap-${account}`], `fws-bootstrap-${env}-boundary`);
      expect(boundaries.map((b) => b.name)).toEqual([`fws-bootstrap-${env}-boundary`]);
    }
  });
});

describe("the state backend", () => {
  it("is a versioned, KMS-encrypted, TLS-only, private bucket that no plan can destroy", () => {
    const bucket = one(dev, "aws_s3_bucket");
    expect(bucket.bucket).toBe("fws-bootstrap-tfstate-111111111111-eu-west-1");
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(one(dev, "aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    const sse = one(dev, "aws_s3_bucket_server_side_encryption_configuration").rule[0];
    expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(sse.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(
      /^\$\{aws_kms_key\.state_key_\w+\.arn\}$/,
    );
    const pab = one(dev, "aws_s3_bucket_public_access_block");
    expect([
      pab.block_public_acls,
      pab.block_public_policy,
      pab.ignore_public_acls,
      pab.restrict_public_buckets,
    ]).toEqual([true, true, true, true]);
    const deny = policyOf(one(dev, "aws_s3_bucket_policy").policy).Statement[0];
    expect(deny).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("expires replaced state versions after the configured days (90 by default)", () => {
    const rule = one(dev, "aws_s3_bucket_lifecycle_configuration").rule[0];
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    expect(rule.expiration).toBeUndefined();
  });

  it("has its own key: rotated, 30 days before deletion, never destroyed by a plan", () => {
    const key = one(dev, "aws_kms_key");
    expect([key.enable_key_rotation, key.deletion_window_in_days, key.lifecycle]).toEqual([
      true,
      30,
      { prevent_destroy: true },
    ]);
    expect(one(dev, "aws_kms_alias").name).toBe("alias/fws-bootstrap-tfstate");
  });

  it("outputs the state section each environment file needs (S3-native locking by default)", () => {
    // The bucket is named by reference; the reference resolves to the state bucket's name.
    const bucketRef = dev.output?.dev_state_config.value.match(/bucket: \$\{aws_s3_bucket\.(\w+)\.bucket\}/);
    expect(dev.resource.aws_s3_bucket[bucketRef[1]].bucket).toBe(
      "fws-bootstrap-tfstate-111111111111-eu-west-1",
    );
    expect(dev.output?.dev_state_config.value).toBe(
      [
        "state:",
        "  backend: s3",
        "  s3:",
        `    bucket: \${aws_s3_bucket.${bucketRef[1]}.bucket}`,
        "    key: fargate-web-stack/fws/dev.tfstate",
        "    region: eu-west-1",
        `    kmsKeyId: ${dev.output?.dev_state_config.value.match(/kmsKeyId: (.*)/)[1]}`,
        "",
      ].join("\n"),
    );
    expect(dev.output?.dev_state_config.value).toMatch(/kmsKeyId: \$\{aws_kms_key\.state_key_\w+\.arn\}/);
    expect(dev.resource.aws_dynamodb_table).toBeUndefined();
  });

  it("suggests the key the environment's S3 backend uses by default, so the roles' grants and the backend meet", () => {
    const section = String(dev.output?.dev_state_config.value);
    const key = section.match(/key: (.*)/)?.[1];
    const devFile = readFileSync("config/dev.yaml", "utf8");
    const env = configFromText(
      `${devFile}\nstate:\n  backend: s3\n  s3:\n    bucket: fws-bootstrap-tfstate-111111111111-eu-west-1\n`,
      "config/dev.yaml",
      "dev",
    );
    const backend = synthConfig(env).terraform?.backend.s3 as Body;
    expect(backend.key).toBe(key);
  });

  it("keeps its own local state outside cdktf.out and the clone", () => {
    const path = String(dev.terraform?.backend.local.path);
    expect(isAbsolute(path)).toBe(true);
    expect(path).toBe(
      join(homedir(), ".terraform-state/fargate-web-stack/fws-bootstrap-111111111111.tfstate"),
    );
    expect(relative(process.cwd(), path).startsWith("..")).toBe(true);
  });

  it("adds a DynamoDB lock table on request: encrypted, recoverable, protected; the roles may use it", () => {
    const withTable: BootstrapConfig = {
      ...app.bootstrap,
      state: { ...app.bootstrap.state, dynamodbLockTable: true },
    };
    const stack = synthBootstrapped("config", withTable).stacks["bootstrap-111111111111"];
    const table = one(stack, "aws_dynamodb_table");
    expect(table).toMatchObject({
      name: "fws-bootstrap-tflock",
      hash_key: "LockID",
      billing_mode: "PAY_PER_REQUEST",
      deletion_protection_enabled: true,
      point_in_time_recovery: { enabled: true },
      lifecycle: { prevent_destroy: true },
    });
    expect(stack.output?.dev_state_config.value).toContain("dynamodbTable: fws-bootstrap-tflock");
    const planner = policiesNamed(stack, "fws-bootstrap-dev-planner")
      .map((p) => p.policy)
      .join("");
    expect(planner).toContain('"Sid":"StateLockTable"');
  });
});

describe("who may assume the roles", () => {
  const trust = (name: string) => policyOf(role(dev, name).assume_role_policy).Statement;

  it("lets GitHub Actions deploy from the environment named after the stack, and plan pull requests", () => {
    const deployer = trust("fws-bootstrap-dev-deployer").find((s) => s.Sid === "GitHubActions");
    expect(deployer).toEqual({
      Sid: "GitHubActions",
      Effect: "Allow",
      Principal: {
        Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\.github-oidc\.arn\}$/),
      },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": ["repo:example-org/web-site:environment:dev"],
        },
      },
    });
    const planner = trust("fws-bootstrap-dev-planner").find((s) => s.Sid === "GitHubActions");
    expect(planner?.Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:example-org/web-site:pull_request",
      "repo:example-org/web-site:environment:dev",
    ]);
    expect(one(dev, "aws_iam_openid_connect_provider")).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  it("lets members of the operators group assume the planner and the deployer only with MFA", async () => {
    const group = one(dev, "aws_iam_group");
    expect(group.name).toBe("fws-bootstrap-dev-operators");
    const groupPolicy = one(dev, "aws_iam_group_policy").policy;
    const deployerTrust = role(dev, "fws-bootstrap-dev-deployer").assume_role_policy;
    const plannerTrust = role(dev, "fws-bootstrap-dev-planner").assume_role_policy;
    const substitutions = (e: string) => {
      const m = /_(planner|deployer)_\w+\.arn$/.exec(e);
      if (m) return `arn:aws:iam::111111111111:role/fws-bootstrap-dev-${m[1]}`;
      return e.includes("openid_connect")
        ? "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
        : undefined;
    };
    const assume = (target: string, resourcePolicy: string, mfa: string) =>
      simulate({
        identityPolicies: [groupPolicy],
        resourcePolicy,
        principal: "arn:aws:iam::111111111111:user/alice",
        action: "sts:AssumeRole",
        resource: `arn:aws:iam::111111111111:role/fws-bootstrap-dev-${target}`,
        context: { "aws:MultiFactorAuthPresent": mfa },
        substitutions,
      });
    expect(await assume("deployer", deployerTrust, "true")).toBe("Allowed");
    expect(await assume("deployer", deployerTrust, "false")).not.toBe("Allowed");
    // The planner reads the state (every secret Terraform saw): people need MFA for it too.
    expect(await assume("planner", plannerTrust, "true")).toBe("Allowed");
    expect(await assume("planner", plannerTrust, "false")).not.toBe("Allowed");
  });

  it("has no CodeBuild trust: a build role cannot assume roles, and an image build runs application code", () => {
    const { errors } = parseBootstrap("assumedBy:\n  codeBuild: true\n", "config/bootstrap.yaml");
    expect(errors.join("\n")).toMatch(/^config\/bootstrap\.yaml: assumedBy.*codeBuild/);
    const deployer = policyOf(role(dev, "fws-bootstrap-dev-deployer").assume_role_policy).Statement;
    expect(deployer.map((s) => s.Sid)).toEqual(["GitHubActions", "GroupMembersWithMfa"]);
  });
});

describe("one role pair per account (roles.scope: account)", () => {
  const config: BootstrapConfig = { ...app.bootstrap, roles: { ...app.bootstrap.roles, scope: "account" } };
  const synth = synthBootstrapped("config", config);

  it("names the pair after the account and gives the environments its boundary", () => {
    const stack = synth.stacks["bootstrap-222222222222"];
    expect(
      resourcesOf(stack, "aws_iam_role")
        .map(([, r]) => r.name)
        .sort(),
    ).toEqual(["fws-bootstrap-account-deployer", "fws-bootstrap-account-planner"]);
    const boundaries = new Set(
      resourcesOf(synth.stacks.prod, "aws_iam_role").map(([, r]) => r.permissions_boundary),
    );
    expect(boundaries).toEqual(new Set(["arn:aws:iam::222222222222:policy/fws-bootstrap-account-boundary"]));
  });
});

describe("config/bootstrap.yaml", () => {
  it("is optional: without it, no bootstrap stack", () => {
    expect(loadBootstrap("test/fixtures/configs")).toEqual({ errors: [] });
  });

  it("reports every bad field as file: field: expected …, got …", () => {
    const { errors } = parseBootstrap(
      "roles:\n  scope: region\nassumedBy:\n  githubActions:\n    repository: nope\n    deployFrom: tag:v1\n  principals: [bob]\nstate:\n  noncurrentVersionDays: 0\n  colour: blue\n",
      "config/bootstrap.yaml",
    );
    expect(errors).toEqual([
      "config/bootstrap.yaml: state.noncurrentVersionDays: expected at least 1, got 0",
      "config/bootstrap.yaml: state.colour: unknown key (a typo?); remove it or fix its name",
      'config/bootstrap.yaml: roles.scope: expected one of "environment" | "account", got "region"',
      'config/bootstrap.yaml: assumedBy.githubActions.repository: expected owner/name, got "nope"',
      'config/bootstrap.yaml: assumedBy.githubActions.deployFrom: expected "environment" or "branch:<name>", got "tag:v1"',
      'config/bootstrap.yaml: assumedBy.principals.0: expected an IAM role or user ARN, got "bob"',
    ]);
  });

  it("makes npm run synth stop with the message, and write nothing, when the bootstrap cannot be generated", () => {
    const dir = mkdtempSync(join(tmpdir(), "fws-bootstrap-config-"));
    copyFileSync("config/dev.yaml", join(dir, "dev.yaml"));
    writeFileSync(join(dir, "bootstrap.yaml"), "assumedBy:\n  mfaGroup: false\n");
    const outdir = join(dir, "out");
    const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      env: { ...process.env, CONFIG_DIR: dir, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      "Cannot generate the bootstrap; nothing was synthesized:\n  config/bootstrap.yaml: assumedBy: expected at least one way to assume the planner (githubActions, principals or mfaGroup), got none\n",
    );
    // cdktf makes the output directories as the stacks are built; no stack is written into them.
    const stacks = join(outdir, "stacks");
    expect(existsSync(stacks) ? readdirSync(stacks) : []).toEqual([]);
  });

  it("refuses a bootstrap nobody could use", () => {
    const config: BootstrapConfig = {
      ...app.bootstrap,
      assumedBy: { principals: [], mfaGroup: false },
    };
    expect(() => synthBootstrapped("config", config)).toThrow(
      /config\/bootstrap\.yaml: assumedBy: expected at least one way to assume the planner/,
    );
  });
});
