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

/** What an environment name decides: the prefix of every name in it (`<project>-<environment>-`). */
interface NamedEnvironment {
  readonly name: string;
  readonly file: string;
  readonly project: string;
  readonly account: string;
}

/**
 * Environments whose names would let one deployer's name patterns reach another's resources, or the
 * bootstrap's: `<project>-dev-*` also matches every name of an environment `dev-eu`, and an environment
 * `bootstrap-tfstate` would match the state bucket. Checked only with a bootstrap (its roles scope by name).
 */
export function environmentNameErrors(environments: readonly NamedEnvironment[]): string[] {
  const errors: string[] = [];
  for (const env of environments) {
    if (env.name.startsWith("bootstrap")) {
      errors.push(
        `${env.file}: environment name: expected a name not starting with "bootstrap" (the bootstrap's own names start with "${env.project}-bootstrap-"), got "${env.name}"`,
      );
    }
    const prefix = `${env.project}-${env.name}-`;
    for (const other of environments) {
      if (other === env || other.account !== env.account) continue;
      if (`${other.project}-${other.name}-`.startsWith(prefix)) {
        errors.push(
          `${other.file}: environment name: expected a name whose resource names no other environment's patterns reach, got "${other.name}" (environment "${env.name}" of account ${env.account} scopes its deployer to ${prefix}*, which also matches ${other.project}-${other.name}-*)`,
        );
      }
    }
  }
  return errors;
}
