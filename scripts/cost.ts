import { estimatesAt } from "./cost/at-commit";
import { type Estimate, estimate } from "./cost/estimate";
import { formatDiff, formatTable } from "./cost/format";
import { synthesizeEnvironments } from "./lib/synth-stacks";

/**
 * `npm run cost [-- --json] [-- --diff <ref>]`: synthesizes every environment and prints its monthly
 * estimate: a table, JSON (`--json`), or the change against another commit (`--diff <ref>`).
 */
function main(args: string[]): void {
  const configDir = process.env.CONFIG_DIR ?? "config";
  const current: Estimate[] = synthesizeEnvironments(configDir).map(({ config, stack }) =>
    estimate(stack, config.cost),
  );
  const diff = args.indexOf("--diff");
  if (diff >= 0) {
    const ref = args[diff + 1];
    if (!ref) throw new Error("--diff: expected a commit, branch or tag, got nothing");
    const before = estimatesAt(ref, configDir);
    const names = [...new Set([...before, ...current].map((e) => e.environment))].sort();
    const find = (list: Estimate[], n: string) => list.find((e) => e.environment === n);
    for (const n of names) process.stdout.write(formatDiff(find(before, n), find(current, n)));
    return;
  }
  if (args.includes("--json")) {
    process.stdout.write(`${JSON.stringify(current, null, 2)}\n`);
    return;
  }
  for (const e of current) process.stdout.write(`${formatTable(e)}\n`);
  process.stdout.write(`Not priced: ${current[0]?.notPriced.join("; ")}.\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
