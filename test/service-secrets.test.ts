import { parseEnvironment } from "../config/load";
import { simulate } from "./support/iam";
import { configFromText, policyOf, resourceNamed, synthConfig } from "./support/synth";

/** Secrets under a customer managed key: config names the key beside the secret; the task can read it. */

const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fws/test/db-AbCdEf";
const PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/fws/test/api-token";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd";
const OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/9999aaaa-2222-bbbb-3333-cccc4444dddd";

const config = (secrets: string) => `
account: "123456789012"
region: eu-west-1
loadBalancer: { allowHttpWithoutDomain: true }
edge: { mode: alb-waf }
network: { cidr: 10.0.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }
service:
  images: { tag: "1.0.0" }
${secrets}
`;
const errorsOf = (text: string) => {
  const result = parseEnvironment(text, "config/test.yaml", "test");
  return "errors" in result ? result.errors : [];
};

describe("secrets under a customer managed key", () => {
  const text = config(`  secrets:
    DB_PASSWORD: { arn: "${SECRET}", kmsKeyArn: "${KEY}" }
    API_TOKEN: "${PARAMETER}"`);
  let executionPolicy: string;
  let containers: Record<string, any>[];
  beforeAll(() => {
    const json = synthConfig(configFromText(text));
    executionPolicy = resourceNamed(json, "aws_iam_role_policy", "roles_execution").policy;
    containers = JSON.parse(
      resourceNamed(json, "aws_ecs_task_definition", "task-definition").container_definitions,
    );
  });

  it("injects each secret by its ARN, whichever form config used", () => {
    expect(containers.find((c) => c.name === "app")?.secrets).toEqual([
      { name: "API_TOKEN", valueFrom: PARAMETER },
      { name: "DB_PASSWORD", valueFrom: SECRET },
    ]);
  });

  it("lets the execution role decrypt with the secret's key, through Secrets Manager or SSM only", async () => {
    const decrypt = policyOf(executionPolicy).Statement.find((s) => s.Sid === "DecryptSecrets");
    expect(decrypt).toEqual({
      Sid: "DecryptSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: KEY,
      Condition: {
        StringEquals: {
          "kms:ViaService": ["secretsmanager.eu-west-1.amazonaws.com", "ssm.eu-west-1.amazonaws.com"],
        },
      },
    });
    const asExecutionRole = (resource: string, via: string) =>
      simulate({
        identityPolicies: [executionPolicy],
        principal: "arn:aws:iam::123456789012:role/fws-test-site-execution",
        action: "kms:Decrypt",
        resource,
        // The default key policy: the account's IAM policies decide (KMS needs the key policy to say so).
        resourcePolicy: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::123456789012:root" },
              Action: "kms:*",
              Resource: "*",
            },
          ],
        },
        context: { "kms:ViaService": via },
        // Repository ARNs are interpolations; any ARN will do for a KMS question.
        substitutions: () => "arn:aws:ecr:eu-west-1:123456789012:repository/x",
      });
    expect(await asExecutionRole(KEY, "secretsmanager.eu-west-1.amazonaws.com")).toBe("Allowed");
    expect(await asExecutionRole(OTHER_KEY, "secretsmanager.eu-west-1.amazonaws.com")).toBe(
      "ImplicitlyDenied",
    );
    expect(await asExecutionRole(KEY, "s3.eu-west-1.amazonaws.com")).toBe("ImplicitlyDenied");
  });

  it("grants no decrypt at all when every secret uses the AWS managed key", () => {
    const json = synthConfig(configFromText(config(`  secrets: { API_TOKEN: "${PARAMETER}" }`)));
    const policy = policyOf(resourceNamed(json, "aws_iam_role_policy", "roles_execution").policy);
    expect(policy.Statement.flatMap((s) => s.Action)).not.toContain("kms:Decrypt");
  });

  it("refuses the separate key list, which cannot say which secret needs which key", () => {
    expect(
      errorsOf(config(`  secretsKmsKeyArns: ["${KEY}"]\n  secrets: { DB_PASSWORD: "${SECRET}" }`)),
    ).toEqual([
      "config/test.yaml: service.secretsKmsKeyArns: expected each customer managed key beside the secret it encrypts (secrets: { NAME: { arn, kmsKeyArn } }), got a separate list",
    ]);
  });

  it("refuses a key in another region than its secret", () => {
    const key = KEY.replace("eu-west-1", "us-east-1");
    expect(errorsOf(config(`  secrets: { DB_PASSWORD: { arn: "${SECRET}", kmsKeyArn: "${key}" } }`))).toEqual(
      [
        "config/test.yaml: service.secrets.DB_PASSWORD.kmsKeyArn: expected a key in the secret's region eu-west-1 (KMS keys are regional), got one in us-east-1",
      ],
    );
  });

  it("names the forms a secret may take when it is neither", () => {
    expect(errorsOf(config(`  secrets: { DB_PASSWORD: { arn: "${SECRET}", key: "${KEY}" } }`))).toEqual([
      "config/test.yaml: service.secrets.DB_PASSWORD: expected a secret ARN, or { arn, kmsKeyArn } for a secret under a customer managed key, got a mapping",
    ]);
  });
});
