import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvironments } from "../../config/load";
import { loadBootstrap } from "../../config/load-bootstrap";
import { planStackOffline } from "../../scripts/lib/offline-plan";
import { synthToDir } from "./synth";

/**
 * Registers the offline-plan tests of every config in `dir`: each stack must init, validate and plan with
 * no error or warning, and its cdk.tf.json stays production-clean. Two directories, two test files, so
 * jest plans them on both cores.
 */
export function describeOfflinePlans(dir: string): { root: string; workRoot: string } {
  const { environments, errors } = loadEnvironments(dir);
  const { bootstrap, errors: bootstrapErrors } = loadBootstrap(dir);
  const root = mkdtempSync(join(tmpdir(), "fws-plan-test-"));
  const outdir = join(root, "cdktf.out");
  const workRoot = join(root, "work");

  describe(`offline terraform plan of ${dir}`, () => {
    beforeAll(() => {
      expect([...errors, ...bootstrapErrors]).toEqual([]);
      synthToDir(environments, outdir, bootstrap);
    });

    const accounts = bootstrap ? [...new Set(environments.map((c) => c.account))] : [];
    it.each([...environments.map((c) => c.name), ...accounts.map((a) => `bootstrap-${a}`)])(
      "%s: init, validate and plan succeed with no error or warning",
      (name) => {
        const result = planStackOffline(join(outdir, "stacks", name), { workRoot });
        expect(result.problems).toEqual([]);
        expect(result.changes?.add).toBeGreaterThan(20);
        expect(result.changes?.change).toBe(0);
        expect(result.changes?.remove).toBe(0);
      },
    );

    it("leaves every synthesized stack production-clean: real account check, no fake credentials", () => {
      for (const name of readdirSync(join(outdir, "stacks"))) {
        const text = readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8");
        const json = JSON.parse(text);
        for (const provider of json.provider.aws) expect(provider.allowed_account_ids).toHaveLength(1);
        expect(text).not.toMatch(/skip_credentials_validation|access_key|offline/);
      }
    });
  });
  return { root, workRoot };
}
