import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIAGRAM_DIR, generatedDocs, withCostSection } from "./docs/generated";
import { synthesizeEnvironments } from "./lib/synth-stacks";

/**
 * `npm run docs`: regenerates what the README shows from config/: docs/diagrams/<env>.svg and the cost
 * tables between the README's markers. test/diagram.test.ts and test/cost.test.ts fail when they are stale.
 */
async function main(): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), "fws-docs-"));
  try {
    const { svgs, costSection } = await generatedDocs(synthesizeEnvironments("config", outdir));
    mkdirSync(DIAGRAM_DIR, { recursive: true });
    for (const [path, svg] of svgs) {
      writeFileSync(path, svg);
      console.log(`wrote ${path}`);
    }
    writeFileSync("README.md", withCostSection(readFileSync("README.md", "utf8"), costSection));
    console.log("wrote README.md (cost tables)");
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
