import { join } from "node:path";
import { writeDiagram } from "./diagram/write";
import { synthesizeEnvironments } from "./lib/synth-stacks";

/**
 * `npm run diagram`: synthesizes every environment of config/ (or $CONFIG_DIR) and writes
 * cdktf.out/diagrams/<env>.svg and .dot, drawn from the synthesized resources and their references.
 */
async function main(): Promise<void> {
  const outdir = "cdktf.out";
  for (const { stack } of synthesizeEnvironments(process.env.CONFIG_DIR ?? "config", outdir)) {
    console.log(`wrote ${await writeDiagram(stack, join(outdir, "diagrams"))}`);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
