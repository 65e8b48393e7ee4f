import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readStack } from "../lib/synth-stacks";
import { type Estimate, estimate } from "./estimate";
import { usageFromFile } from "./usage";

/**
 * The estimates at another commit: a detached worktree of `ref`, synthesized by that commit's own main.ts
 * (with this checkout's node_modules), priced by this checkout's tables. The worktree is removed after.
 */
export function estimatesAt(ref: string, configDir: string): Estimate[] {
  const root = mkdtempSync(join(tmpdir(), "fws-cost-"));
  const tree = join(root, "tree");
  execFileSync("git", ["worktree", "add", "--detach", tree, ref], { stdio: "ignore" });
  try {
    symlinkSync(resolve("node_modules"), join(tree, "node_modules"), "dir");
    const outdir = join(root, "cdktf.out");
    execFileSync(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: tree,
      // cdktf's App writes to $CDKTF_OUTDIR when it is set.
      env: { ...process.env, CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir },
      stdio: "ignore",
    });
    const stacks = join(outdir, "stacks");
    if (!existsSync(stacks)) throw new Error(`${ref}: expected synthesized stacks, got none`);
    // Environment stacks only: a stack without a config file of its name (the bootstrap) has no cost section.
    return readdirSync(stacks)
      .filter((name) => existsSync(join(tree, configDir, `${name}.yaml`)))
      .sort()
      .map((name) => estimate(readStack(outdir, name), usageFromFile(join(tree, configDir, `${name}.yaml`))));
  } finally {
    execFileSync("git", ["worktree", "remove", "--force", tree], { stdio: "ignore" });
    rmSync(root, { recursive: true, force: true });
  }
}
