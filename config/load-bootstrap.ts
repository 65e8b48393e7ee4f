import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import { formatIssue } from "./load";
import { type BootstrapConfig, bootstrapSchema } from "./schema/bootstrap";

/** The bootstrap's file in a config directory: not an environment, though it sits beside them. */
export const BOOTSTRAP_FILE = "bootstrap.yaml";

export type BootstrapResult = { bootstrap?: BootstrapConfig; errors: string[] };

/** Reads `<dir>/bootstrap.yaml` when present: no file, no bootstrap stack. */
export function loadBootstrap(dir: string): BootstrapResult {
  const file = join(dir, BOOTSTRAP_FILE);
  if (!existsSync(file)) return { errors: [] };
  const rel = relative(process.cwd(), file);
  return parseBootstrap(readFileSync(file, "utf8"), rel.startsWith("..") ? file : rel);
}

export function parseBootstrap(text: string, shown: string): BootstrapResult {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => `${shown}: expected valid YAML, got ${e.message.split("\n")[0]}`),
    };
  }
  const parsed = bootstrapSchema.safeParse(doc.toJS() ?? {}, { reportInput: true });
  if (!parsed.success) return { errors: parsed.error.issues.flatMap((issue) => formatIssue(shown, issue)) };
  return { bootstrap: parsed.data, errors: [] };
}
