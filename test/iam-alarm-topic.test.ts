import { type Decision, resolveText, simulate, simulateKeyUse, stackSubstitutions } from "./support/iam";
import {
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
