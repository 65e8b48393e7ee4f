import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { KmsKey } from "../constructs/kms-key";
import { EncryptedLogGroup } from "../constructs/log-group";
import { Naming } from "../constructs/naming";
import { type Body, loadConfig, policyOf, resourcesOf, type StackJson, synthConfig } from "./support/synth";

/**
 * The logs keys learn their log groups from the modules that create them (KmsKey.servesLogGroupsOf):
 * every encrypted group of every stack is named in its key's policy, and a key names no group that
 * no module created with it.
 */

const FILES = [
  "config/dev.yaml",
  "config/prod.yaml",
  ...readdirSync("test/fixtures/configs").map((f) => join("test/fixtures/configs", f)),
];

/** `${aws_kms_key.<name>.arn}` → `<name>`. */
const keyOf = (ref: string) => /^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(ref)?.[1];

function groupsNamedBy(key: Body): string[] {
  const logs = policyOf(key.policy).Statement.filter((s) => /^logs\./.test(s.Principal?.Service ?? ""));
  return logs.flatMap((s) => s.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] as string[]);
}

describe.each(FILES)("the logs keys of %s", (file) => {
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(loadConfig(file));
  });

  it("name exactly the log groups encrypted with them, each in the key's region", () => {
    const groups = resourcesOf(json, "aws_cloudwatch_log_group");
    expect(groups.length).toBeGreaterThan(0);
    const keys = new Set(groups.map(([, g]) => keyOf(g.kms_key_id)));
    for (const keyName of keys) {
      expect(keyName).toBeDefined();
      const key = resourcesOf(json, "aws_kms_key").find(([n]) => n === keyName)![1];
      const named = groupsNamedBy(key).map((arn) => arn.replace(/^arn:aws:logs:[^:]+:\d{12}:log-group:/, ""));
      const encrypted = groups.filter(([, g]) => keyOf(g.kms_key_id) === keyName).map(([, g]) => g.name);
      expect([...named].sort()).toEqual([...encrypted].sort());
    }
  });
});

describe("KmsKey.servesLogGroupsOf", () => {
  const ctx = {
    naming: new Naming("fws", "dev"),
    account: "111111111111",
    region: "eu-west-1",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    production: false,
  };
  const groupsOf = (build: (scope: Construct) => void): string[] => {
    const json = JSON.parse(Testing.synthScope(build)) as StackJson;
    const [, key] = resourcesOf(json, "aws_kms_key").find(([n]) => n.startsWith("logs_"))!;
    return groupsNamedBy(key);
  };
  const group = (scope: Construct, id: string, name: string, kmsKeyArn: string) =>
    new EncryptedLogGroup(scope, id, { context: ctx, name, retentionDays: 30, kmsKeyArn, protect: false });

  it("grants groups created after the call, once each, and none on another key", () => {
    const groups = groupsOf((scope) => {
      const key = new KmsKey(scope, "logs", { context: ctx, purpose: "logs", description: "test" });
      const other = new KmsKey(scope, "other", { context: ctx, purpose: "other", description: "test" });
      const module = new Construct(scope, "module");
      key.servesLogGroupsOf(module, module);
      group(module, "a", "/fws/dev/a", key.arn);
      group(module, "b", "/fws/dev/b", other.arn);
      group(module, "c", "/fws/dev/c", key.arn);
      group(scope, "outside", "/fws/dev/outside", key.arn);
    });
    expect(groups).toEqual([
      "arn:aws:logs:eu-west-1:111111111111:log-group:/fws/dev/a",
      "arn:aws:logs:eu-west-1:111111111111:log-group:/fws/dev/c",
    ]);
  });

  it("writes no CloudWatch Logs statement for a key no module logs with", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new KmsKey(scope, "logs", { context: ctx, purpose: "logs", description: "test" });
      }),
    ) as StackJson;
    const [, key] = resourcesOf(json, "aws_kms_key")[0];
    expect(policyOf(key.policy).Statement.map((s) => s.Sid)).toEqual(["AccountAdministers"]);
  });
});
