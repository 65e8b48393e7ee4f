import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvironments } from "../config/load";
import { planStackOffline } from "../scripts/lib/offline-plan";
import { synthToDir } from "./support/synth";

/** Every shipped example and every fixture config: each must validate and plan with no warning. */
const shipped = loadEnvironments("config");
const fixtures = loadEnvironments("test/fixtures/configs");
const configs = [...shipped.environments, ...fixtures.environments];

describe("offline terraform plan", () => {
  const root = mkdtempSync(join(tmpdir(), "fws-plan-test-"));
  const outdir = join(root, "cdktf.out");
  const workRoot = join(root, "work");

  beforeAll(() => {
    expect([...shipped.errors, ...fixtures.errors]).toEqual([]);
    synthToDir(configs, outdir);
  });

  it.each(configs.map((c) => c.name))(
    "%s: init, validate and plan succeed with no error or warning",
    (name) => {
      const result = planStackOffline(join(outdir, "stacks", name), { workRoot });
      expect(result.problems).toEqual([]);
      expect(result.changes?.add).toBeGreaterThan(20);
      expect(result.changes?.change).toBe(0);
      expect(result.changes?.remove).toBe(0);
    },
  );

  it("leaves the synthesized stack production-clean: real account check, no fake credentials", () => {
    for (const name of readdirSync(join(outdir, "stacks"))) {
      const text = readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8");
      const json = JSON.parse(text);
      expect(json.provider.aws[0].allowed_account_ids).toHaveLength(1);
      expect(text).not.toMatch(/skip_credentials_validation|access_key|offline/);
    }
  });

  it("fails a stack whose validation warns (the harness can fail)", () => {
    const dir = join(root, "warning-stack");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "cdk.tf.json"),
      JSON.stringify({
        terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
        provider: { aws: [{ region: "eu-west-1" }] },
        // `acl` on aws_s3_bucket is deprecated in provider 5.x: validate warns.
        resource: { aws_s3_bucket: { legacy: { bucket: "fws-legacy-acl-example", acl: "private" } } },
      }),
    );
    const result = planStackOffline(dir, { workRoot });
    expect(result.ok).toBe(false);
    expect(result.problems.join("\n")).toMatch(/warning: .*deprecated/i);
  });
});
