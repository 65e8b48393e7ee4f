/**
 * `npm run plan:offline [stack…]`: synthesizes the app, then runs terraform init, validate and plan on
 * every stack (or the ones named) with no AWS account. Exits non-zero on any error or warning.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planStackOffline } from "./lib/offline-plan";

function main(): number {
  const synth = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], { stdio: "inherit" });
  if (synth.status !== 0) return synth.status ?? 1;
  const stacksDir = join(process.env.CDKTF_OUTDIR ?? "cdktf.out", "stacks");
  const wanted = process.argv.slice(2);
  const stacks = readdirSync(stacksDir).filter((s) => wanted.length === 0 || wanted.includes(s));
  const missing = wanted.filter((w) => !existsSync(join(stacksDir, w)));
  if (missing.length > 0) {
    console.error(
      `No synthesized stack named ${missing.join(", ")} in ${stacksDir} (have: ${readdirSync(stacksDir).join(", ")})`,
    );
    return 1;
  }
  const workRoot = mkdtempSync(join(tmpdir(), "fws-offline-plan-"));
  let failed = 0;
  for (const stack of stacks) {
    const result = planStackOffline(join(stacksDir, stack), { workRoot });
    if (result.ok) {
      const c = result.changes;
      console.log(
        `✔ ${stack}: validates and plans offline (${c?.add ?? 0} to add, ${c?.change ?? 0} to change, ${c?.remove ?? 0} to destroy)`,
      );
    } else {
      failed += 1;
      console.error(`✘ ${stack}: ${result.problems.length} problem(s); work directory kept: ${result.dir}`);
      for (const p of result.problems) console.error(`  ${p}`);
    }
  }
  if (failed === 0) rmSync(workRoot, { recursive: true, force: true });
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
