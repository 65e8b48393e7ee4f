import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { parseBootstrap } from "../config/load-bootstrap";
import { inventoryOf, type SynthesizedStack } from "../modules/bootstrap/inventory";
import type { Gaps } from "../scripts/lib/apply/apply-stack";
import { administratorOnly, runAsDeployer } from "../scripts/lib/apply/as-deployer";
import { findMotoPython, MOTO_INSTALL } from "../scripts/lib/apply/moto";
import {
  AUTH_GAPS,
  rewritePolicy,
  S3_ACTION_NAMES,
  SIGNATURE_FIX,
  type Statement,
} from "../scripts/lib/apply/moto-auth-gaps";
import { ADJUSTMENTS, EXCLUDED_TYPES, KNOWN_DRIFTS } from "../scripts/lib/apply/moto-gaps";
import type { PreparedStack } from "../scripts/lib/apply/prune";
import { BootstrapStack } from "../stacks/bootstrap-stack";

/**
 * The apply as the deployer (`npm run test:apply dev:as-deployer`) must be able to fail: a tiny
 * environment (one topic) and its real bootstrap, applied in moto with the check on, pass with the
 * generated policies and fail, naming the action, when one action is taken out of them.
 */
const ACCOUNT = "555555555555";

const tinyEnvironment = {
  terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
  provider: {
    aws: [
      {
        region: "eu-west-1",
        allowed_account_ids: [ACCOUNT],
        default_tags: [{ tags: { project: "fws", environment: "tiny" } }],
      },
    ],
  },
  resource: { aws_sns_topic: { alerts: { name: "fws-tiny-alerts" } } },
};

const root = mkdtempSync(join(tmpdir(), "fws-as-deployer-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(name: string, json: object): string {
  const dir = join(root, "stacks", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json));
  return dir;
}

function bootstrapJson(): object {
  const parsed = parseBootstrap(
    `state:\n  localDirectory: ${join(root, "state")}\nassumedBy:\n  mfaGroup: true\n`,
    "test bootstrap",
  );
  if (!parsed.bootstrap) throw new Error(parsed.errors.join("\n"));
  const app = new App({ outdir: join(root, "unused") });
  const stack = new BootstrapStack(app, {
    account: ACCOUNT,
    config: parsed.bootstrap,
    inventories: [inventoryOf(tinyEnvironment as SynthesizedStack)],
  });
  return JSON.parse(Testing.synth(stack));
}

/** Takes one action out of every policy of the bootstrap's copy (statements left empty go too). */
const without =
  (action: string) =>
  (prepared: PreparedStack): void => {
    for (const body of Object.values(prepared.json.resource?.aws_iam_policy ?? {})) {
      const doc = JSON.parse(body.policy as string) as { Statement: Statement[] };
      doc.Statement = doc.Statement.map((s) => ({
        ...s,
        Action: ([] as string[]).concat(s.Action).filter((a) => a !== action),
      })).filter((s) => s.Action.length > 0);
      body.policy = JSON.stringify(doc);
    }
  };

const gaps: Gaps = { excluded: EXCLUDED_TYPES, adjustments: ADJUSTMENTS, drifts: KNOWN_DRIFTS };

function applyAsDeployer(name: string, editBootstrap?: (p: PreparedStack) => void) {
  const python = findMotoPython();
  if (!python) throw new Error(`moto's server is missing: ${MOTO_INSTALL}`);
  const scenario = {
    name,
    account: ACCOUNT,
    zones: [],
    bootstrap: write(`${name}-bootstrap`, bootstrapJson()),
    deployerOutput: "tiny_deployer_role_arn",
    environment: write(`${name}-tiny`, tinyEnvironment),
  };
  return runAsDeployer(scenario, { workRoot: join(root, "work"), python, gaps, editBootstrap });
}

describe("rewriting the bootstrap's policies for moto's check", () => {
  const policy = (statements: Statement[]) =>
    JSON.stringify({ Version: "2012-10-17", Statement: statements });

  it("keeps S3's resources, says * for the others, leaves out conditional denies, adds moto's names", () => {
    const { text, changed } = rewritePolicy(
      policy([
        {
          Sid: "Topics",
          Effect: "Allow",
          Action: ["sns:CreateTopic", "s3:ListBucket"],
          Resource: ["arn:aws:sns:eu-west-1:1:fws-tiny-*", "arn:aws:s3:::fws-tiny-*"],
          Condition: { StringEquals: { "aws:ResourceTag/project": "fws" } },
        },
        { Sid: "Alarms", Effect: "Allow", Action: "cloudwatch:PutMetricAlarm", Resource: "*" },
        {
          Sid: "DenyBroad",
          Effect: "Deny",
          Action: "iam:AttachRolePolicy",
          Resource: "*",
          Condition: { ArnEquals: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" } },
        },
        { Sid: "DenyTrail", Effect: "Deny", Action: "cloudtrail:DeleteTrail", Resource: "*" },
      ]),
    );
    expect(JSON.parse(text).Statement).toEqual([
      {
        Sid: "Topics",
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:HeadBucket"],
        Resource: ["arn:aws:sns:eu-west-1:1:fws-tiny-*", "arn:aws:s3:::fws-tiny-*"],
        Condition: { StringEquals: { "aws:ResourceTag/project": "fws" } },
      },
      {
        Sid: "TopicsMotoAny",
        Effect: "Allow",
        Action: ["sns:CreateTopic"],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceTag/project": "fws" } },
      },
      {
        Sid: "Alarms",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricAlarm", "monitoring:PutMetricAlarm"],
        Resource: "*",
      },
      { Sid: "DenyTrail", Effect: "Deny", Action: "cloudtrail:DeleteTrail", Resource: "*" },
    ]);
    expect(changed).toEqual({
      "resource *": 1,
      "conditional deny": 1,
      "cloudwatch as monitoring": 1,
      "S3 action names": 1,
    });
  });

  it("adds to the real bootstrap's policies no action but moto's name of one the policy has with the same effect", () => {
    const policies = Object.entries(
      (bootstrapJson() as { resource: { aws_iam_policy: Record<string, { policy: string }> } }).resource
        .aws_iam_policy,
    );
    expect(policies.length).toBeGreaterThan(0);
    const asArray = (a: string | string[]) => ([] as string[]).concat(a);
    const sameAs = (action: string): string =>
      action.startsWith("monitoring:")
        ? `cloudwatch:${action.slice(11)}`
        : (S3_ACTION_NAMES[action] ?? action);
    const added: string[] = [];
    for (const [name, { policy }] of policies) {
      const before = (JSON.parse(policy) as { Statement: Statement[] }).Statement;
      const after = (JSON.parse(rewritePolicy(policy).text) as { Statement: Statement[] }).Statement;
      const allowed = (effect: string) =>
        new Set(before.filter((s) => s.Effect === effect).flatMap((s) => asArray(s.Action)));
      for (const s of after) {
        // Each action of a rewritten statement is one its effect had, or moto's name for one it had.
        const had = allowed(s.Effect);
        for (const a of asArray(s.Action)) if (!had.has(sameAs(a))) added.push(`${name}: ${s.Effect} ${a}`);
      }
      // Only a Deny with a condition is left out; every unconditional Deny stays, whole.
      const denies = (list: Statement[]) => list.filter((s) => s.Effect === "Deny" && !s.Condition);
      expect([name, denies(after).length]).toEqual([name, denies(before).length]);
    }
    expect(added).toEqual([]);
  });

  it("names each gap with moto's source as evidence, and the README lists each", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const gap of [...AUTH_GAPS, { id: "SIGNATURE_FIX", evidence: SIGNATURE_FIX.evidence }]) {
      expect([gap.id, gap.evidence]).toEqual([gap.id, expect.stringMatching(/^moto\//)]);
      expect([gap.id, readme.includes(gap.id)]).toEqual([gap.id, true]);
    }
  });
});

describe("refusals a destroy as the deployer accepts", () => {
  const trail = ["fws-prod-cloudtrail-222222222222-eu-west-1"];
  const denial = (action: string, resource: string) => ({ action, resource, caller: "deployer" });

  it("accepts only the guard rails' by design: the trail, its bucket and its log files", () => {
    expect(administratorOnly(denial("cloudtrail:DeleteTrail", "*"), trail)).toBe(true);
    expect(administratorOnly(denial("s3:DeleteBucket", `arn:aws:s3:::${trail[0]}`), trail)).toBe(true);
    expect(administratorOnly(denial("s3:DeleteObject", `arn:aws:s3:::${trail[0]}/AWSLogs/x`), trail)).toBe(
      true,
    );
  });

  it("rejects the same actions on any other bucket, and any other action", () => {
    expect(administratorOnly(denial("s3:DeleteBucket", "arn:aws:s3:::fws-prod-artifacts"), trail)).toBe(
      false,
    );
    expect(administratorOnly(denial("s3:DeleteBucket", `arn:aws:s3:::${trail[0]}-copy`), trail)).toBe(false);
    expect(administratorOnly(denial("logs:DeleteLogGroup", "*"), trail)).toBe(false);
  });
});

describe("applying as the deployer in moto", () => {
  // Each run applies the bootstrap and the topic: about a minute on a busy machine.
  jest.setTimeout(300_000);

  it("applies, plans and destroys a topic with the generated policies, nothing denied", async () => {
    const result = await applyAsDeployer("allowed");
    expect(result.failures).toEqual([]);
    expect(result.denied).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("fails naming the action and the resource when the deployer's policies lack sns:CreateTopic", async () => {
    const result = await applyAsDeployer("missing", without("sns:CreateTopic"));
    expect(result.ok).toBe(false);
    expect(result.denied).toEqual(["sns:CreateTopic on *"]);
    expect(result.failures).toEqual([
      // Terraform's error shows the status only (the SDK reads no message from moto's body); moto's record names the action.
      expect.stringMatching(
        /^apply: aws_sns_topic\.alerts: creating SNS Topic \(fws-tiny-alerts\): .*StatusCode: 403/,
      ),
      "denied to the deployer: sns:CreateTopic on *",
    ]);
    // The refused caller is the deployer's session, not the root's key the bootstrap was applied with.
    const callers = readFileSync(join(result.dir, "denials.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { caller: string }).caller);
    expect(new Set(callers)).toEqual(
      new Set([expect.stringMatching(new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/.+/missing$`))]),
    );
  });
});
