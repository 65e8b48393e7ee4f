import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { planStackOffline } from "../scripts/lib/offline-plan";
import { describeOfflinePlans } from "./support/plan-all";

/** The configs the examples don't cover: the other edge modes, the single container, every WAF and audit option. */
const { root, workRoot } = describeOfflinePlans("test/fixtures/configs");

describe("the offline plan harness", () => {
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
