import { importsOf, type KnownException, layerViolations, sourceFiles } from "./support/import-layers";

/**
 * Data flows config → stack → modules → constructs, and AWS facts sit in facts/, which all of them read.
 * Modules never reach into sibling modules: what two share is a construct, or the stack passes it.
 */
/** Modules reaching into sibling modules: none. An entry here needs a reason, and goes when unused. */
const KNOWN_SIBLING_IMPORTS: KnownException[] = [];

const edges = sourceFiles(process.cwd(), ["config", "constructs", "modules"]).flatMap(({ file, text }) =>
  importsOf(file, text),
);

describe("import layers", () => {
  it("finds the imports it checks (the scan reads real files)", () => {
    expect(edges).toContainEqual({ from: "config/schema/waf.ts", to: "facts/waf" });
    expect(edges).toContainEqual({ from: "constructs/waf/rule-builder.ts", to: "facts/waf" });
  });

  it("has config import no module or construct, constructs no module or config, modules no sibling beyond the known list", () => {
    expect(layerViolations(edges, KNOWN_SIBLING_IMPORTS)).toEqual([]);
  });

  it("keeps config/schema/waf.ts and constructs/waf/ apart in both directions", () => {
    const between = edges.filter(
      (e) =>
        (e.from === "config/schema/waf.ts" && e.to.startsWith("constructs/waf/")) ||
        (e.from.startsWith("constructs/waf/") && e.to === "config/schema/waf"),
    );
    expect(between).toEqual([]);
  });

  it("reports a config → module, a construct → module and an unlisted sibling import", () => {
    const bad = [
      ...importsOf("config/schema.ts", 'import { X } from "../modules/edge/cloudfront-ids";'),
      ...importsOf("config/schema/waf.ts", 'import type {\n  Y,\n} from "../../constructs/waf/rules";'),
      ...importsOf("constructs/waf/rules.ts", 'import type { WafConfig } from "../../config/schema/waf";'),
      ...importsOf("constructs/kms-key.ts", 'export { Z } from "../modules/audit/audit";'),
      ...importsOf("modules/monitoring/monitoring.ts", 'import { W } from "../service/service";'),
    ];
    expect(layerViolations(bad, [])).toEqual([
      "config/schema.ts imports modules/edge/cloudfront-ids: config/ may import neither modules/ nor constructs/",
      "config/schema/waf.ts imports constructs/waf/rules: config/ may import neither modules/ nor constructs/",
      "constructs/waf/rules.ts imports config/schema/waf: constructs/ may import neither modules/ nor config/",
      "constructs/kms-key.ts imports modules/audit/audit: constructs/ may import neither modules/ nor config/",
      "modules/monitoring/monitoring.ts imports modules/service/service: modules/monitoring may not import modules/service",
    ]);
  });

  it("reports a known exception that no import uses any more", () => {
    const known = [{ from: "modules/pipeline/pipeline", to: "modules/service/repositories", reason: "test" }];
    expect(layerViolations([], known)).toEqual([
      "known exception modules/pipeline/pipeline → modules/service/repositories is no longer used: remove it",
    ]);
  });
});
