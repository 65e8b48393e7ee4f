import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { cost } from "../../config/schema/cost";
import type { Usage } from "./item";

/**
 * The usage assumptions of an environment file read on their own: for an older commit, whose schema may
 * differ elsewhere, the current `cost` section's rules and defaults apply.
 */
export function usageFromFile(file: string): Usage {
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { cost?: unknown };
  const parsed = cost.safeParse(doc.cost ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: cost.${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}
