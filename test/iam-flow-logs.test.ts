import { simulate, stackSubstitutions, unknownActions, wildcardResources } from "./support/iam";
import { loadConfig, resourceNamed, type StackJson, synthConfig } from "./support/synth";

const account = "111111111111";
const region = "eu-west-1";
const groupArn = (name: string) => `arn:aws:logs:${region}:${account}:log-group:${name}`;
const keyArn = `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe("the dev VPC flow logs permissions", () => {
  let json: StackJson;
  let rolePolicy: string;
  let roleArn: string;
  beforeAll(() => {
    json = synthConfig(loadConfig("config/dev.yaml"));
    rolePolicy = resourceNamed(json, "aws_iam_role_policy", "flow-logs").policy;
    roleArn = `arn:aws:iam::${account}:role/${resourceNamed(json, "aws_iam_role", "flow-logs").name}`;
  });

  describe("the flow logs role", () => {
    it("uses only catalogued actions, without wildcards", async () => {
      expect(await unknownActions(rolePolicy)).toEqual([]);
    });

    it("names its resources", () => {
      expect(wildcardResources(rolePolicy)).toEqual([]);
    });

    const putLogEvents = (group: string) =>
      simulate({
        identityPolicies: [rolePolicy],
        principal: roleArn,
        action: "logs:PutLogEvents",
        resource: `${groupArn(group)}:log-stream:eni-0abc-all`,
        substitutions: stackSubstitutions(json, { account, region }),
      });

    it("may write to a stream of its own log group", async () => {
      expect(await putLogEvents("/fws/dev/vpc-flow-logs")).toBe("Allowed");
    });

    it("may not write to another log group", async () => {
      expect(await putLogEvents("/fws/dev/other")).toBe("ImplicitlyDenied");
      expect(await putLogEvents("/fws/prod/vpc-flow-logs")).toBe("ImplicitlyDenied");
    });
  });

  describe("the logs KMS key", () => {
    const generateDataKey = (principal: string, group: string) =>
      simulate({
        resourcePolicy: resourceNamed(json, "aws_kms_key", "logs-key").policy,
        principal,
        action: "kms:GenerateDataKey",
        resource: keyArn,
        context: { "kms:EncryptionContext:aws:logs:arn": groupArn(group) },
      });

    it("lets CloudWatch Logs encrypt this environment's log group", async () => {
      expect(await generateDataKey(`logs.${region}.amazonaws.com`, "/fws/dev/vpc-flow-logs")).toBe("Allowed");
    });

    it("does not let CloudWatch Logs encrypt another environment's group", async () => {
      expect(await generateDataKey(`logs.${region}.amazonaws.com`, "/fws/prod/vpc-flow-logs")).toBe(
        "ImplicitlyDenied",
      );
    });

    it("does not let CloudWatch Logs of another region, or another service, use it", async () => {
      expect(await generateDataKey("logs.us-east-1.amazonaws.com", "/fws/dev/vpc-flow-logs")).toBe(
        "ImplicitlyDenied",
      );
      expect(await generateDataKey("sns.amazonaws.com", "/fws/dev/vpc-flow-logs")).toBe("ImplicitlyDenied");
    });
  });
});
