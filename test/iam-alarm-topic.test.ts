import { readFileSync } from "node:fs";
import { type Decision, resolveText, simulate, simulateKeyUse, stackSubstitutions } from "./support/iam";
import {
  configFromText,
  loadConfig,
  policyOf,
  resourceNamed,
  resourcesOf,
  type StackJson,
  synthConfig,
} from "./support/synth";

/**
 * Publishing to the alarm topic, which a customer-managed key encrypts: SNS encrypts each message with the
 * key on the publisher's behalf, so a publisher needs sns:Publish on the topic and kms:GenerateDataKey and
 * kms:Decrypt on the key, the key policy and its identity policy together.
 */
const account = "222222222222";
const region = "eu-west-1";

describe("publishing to prod's encrypted alarm topic", () => {
  let json: StackJson;
  let keyPolicy: string;
  let keyArn: string;
  let topicRef: string;
  let substitutions: (expr: string) => string | undefined;
  beforeAll(() => {
    json = synthConfig(loadConfig("config/prod.yaml"));
    substitutions = stackSubstitutions(json, { account, region });
    const [[topicName, topic]] = resourcesOf(json, "aws_sns_topic").filter(([n]) =>
      n.startsWith("monitoring_topic_"),
    );
    topicRef = `\${aws_sns_topic.${topicName}.arn}`;
    const keyName = (topic.kms_master_key_id as string).split(".")[1];
    keyPolicy = json.resource.aws_kms_key[keyName].policy;
    keyArn = substitutions(`aws_kms_key.${keyName}.arn`)!;
  });

  /** Every role whose inline policy lets it publish to the topic, as [role ARN, policy]. */
  const publishers = (): [string, string][] =>
    resourcesOf(json, "aws_iam_role_policy")
      .filter(([, p]) =>
        policyOf(p.policy).Statement.some(
          (s) =>
            [s.Action].flat().includes("sns:Publish") &&
            // By reference or by a rebuilt ARN: either way the role publishes to this topic.
            [s.Resource]
              .flat()
              .map((r: string) => resolveText(r, substitutions))
              .includes(resolveText(topicRef, substitutions)),
        ),
      )
      .map(([, p]) => {
        const roleName = (p.role as string).split(".")[1];
        return [`arn:aws:iam::${account}:role/${json.resource.aws_iam_role[roleName].name}`, p.policy];
      });

  const useKey = (principal: string, policy: string, action: string): Promise<Decision> =>
    simulateKeyUse({
      identityPolicies: [policy],
      keyPolicy,
      principal,
      action,
      resource: keyArn,
      substitutions,
    });

  it("has the pipeline role among the publishers: it announces the manual approval itself", () => {
    const pipelineRole = resourceNamed(json, "aws_iam_role", "pipeline_role").name;
    expect(publishers().map(([role]) => role)).toContain(`arn:aws:iam::${account}:role/${pipelineRole}`);
  });

  it("lets every role that may publish to the topic also encrypt for it with the topic's key", async () => {
    expect(publishers().length).toBeGreaterThan(0);
    for (const [role, policy] of publishers()) {
      const topicArn = substitutions(topicRef.slice(2, -1))!;
      expect(
        await simulate({
          identityPolicies: [policy],
          principal: role,
          action: "sns:Publish",
          resource: topicArn,
          substitutions,
        }),
      ).toBe("Allowed");
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
        expect({ role, action, decision: await useKey(role, policy, action) }).toEqual({
          role,
          action,
          decision: "Allowed",
        });
      }
    }
  });

  it("gives no other role of the stack the topic's key", async () => {
    const allowed = new Set(publishers().map(([role]) => role));
    for (const [, p] of resourcesOf(json, "aws_iam_role_policy")) {
      const roleName = (p.role as string).split(".")[1];
      const role = `arn:aws:iam::${account}:role/${json.resource.aws_iam_role[roleName].name}`;
      if (allowed.has(role)) continue;
      expect({ role, decision: await useKey(role, p.policy, "kms:GenerateDataKey") }).toEqual({
        role,
        decision: "ImplicitlyDenied",
      });
    }
  });
});

/**
 * An organisation's existing topic under its own key (monitoring.alarmTopicArn + alarmTopicKeyArn), with
 * prod's manual approval: the pipeline role publishes the approval request, so it must use that key too.
 */
describe("publishing prod's approval request to an existing encrypted topic", () => {
  const topic = `arn:aws:sns:${region}:${account}:org-oncall`;
  const key = `arn:aws:kms:${region}:${account}:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;
  const prodWith = (fields: string) =>
    readFileSync("config/prod.yaml", "utf8").replace("monitoring:\n", `monitoring:\n${fields}`);
  /** The organisation's key policy: it delegates to the account's IAM policies (the default key policy). */
  const orgKeyPolicy = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EnableIamPolicies",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };

  it("lets the pipeline role publish and use the topic's key", async () => {
    const text = prodWith(`  alarmTopicArn: ${topic}\n  alarmTopicKeyArn: ${key}\n`);
    const json = synthConfig(configFromText(text, "config/prod.yaml", "prod"));
    const substitutions = stackSubstitutions(json, { account, region });
    const [[roleName, role]] = resourcesOf(json, "aws_iam_role").filter(([n]) => n.includes("pipeline_role"));
    const [[, policy]] = resourcesOf(json, "aws_iam_role_policy").filter(
      ([, p]) =>
        p.role === `\${aws_iam_role.${roleName}.name}` || p.role === `\${aws_iam_role.${roleName}.id}`,
    );
    const principal = `arn:aws:iam::${account}:role/${role.name}`;
    const request = { identityPolicies: [policy.policy], principal, substitutions };
    expect(await simulate({ ...request, action: "sns:Publish", resource: topic })).toBe("Allowed");
    for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
      const decision = await simulateKeyUse({ ...request, keyPolicy: orgKeyPolicy, action, resource: key });
      expect({ action, decision }).toEqual({ action, decision: "Allowed" });
    }
    // Only that key: another key of the account stays closed.
    const other = key.replace(/key\/.*/, "key/ffffffff-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
    expect(
      await simulateKeyUse({
        ...request,
        keyPolicy: orgKeyPolicy,
        action: "kms:GenerateDataKey",
        resource: other,
      }),
    ).toBe("ImplicitlyDenied");
  });

  it('refuses an existing topic without its key (or "none") while the manual approval is on', () => {
    expect(() => configFromText(prodWith(`  alarmTopicArn: ${topic}\n`), "config/prod.yaml", "prod")).toThrow(
      /config\/prod\.yaml: monitoring\.alarmTopicKeyArn: expected the KMS key ARN of monitoring\.alarmTopicArn's topic .* got nothing/,
    );
    // "none": a topic without a customer-managed key; the role gets sns:Publish only.
    const json = synthConfig(
      configFromText(
        prodWith(`  alarmTopicArn: ${topic}\n  alarmTopicKeyArn: none\n`),
        "config/prod.yaml",
        "prod",
      ),
    );
    const statements = resourcesOf(json, "aws_iam_role_policy").flatMap(
      ([, p]) => policyOf(p.policy).Statement,
    );
    expect(statements.filter((st) => st.Sid === "EncryptForTopic")).toEqual([]);
    // Each service's pipeline (site and api) announces its own approval on the topic.
    expect(statements.filter((st) => st.Sid === "AnnounceApproval").map((st) => st.Resource)).toEqual([
      topic,
      topic,
    ]);
  });

  it("refuses a topic key without a topic", () => {
    expect(() =>
      configFromText(prodWith(`  alarmTopicKeyArn: ${key}\n`), "config/prod.yaml", "prod"),
    ).toThrow(
      `config/prod.yaml: monitoring.alarmTopicKeyArn: expected no key without monitoring.alarmTopicArn (the stack's own topic brings its own key), got "${key}"`,
    );
  });
});
