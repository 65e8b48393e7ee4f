import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

/** One import of one file: the importing file and the imported one, both relative to the repository root. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

/** A sibling-module import that is known and tolerated for now, with the reason; the list only shrinks. */
export interface KnownException {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** `import … from "x"`, `import "x"`, `export … from "x"` (type-only ones too): every static specifier. */
const SPECIFIER = /^\s*(?:(?:import|export)\s[^;'"]*?\bfrom|import)\s*["']([^"']+)["']/gm;

/** The relative imports of `text`, resolved against the importing file (extension dropped). */
export function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[1];
    if (!spec.startsWith(".")) continue;
    edges.push({ from: file, to: normalize(join(dirname(file), spec)).replace(/\.ts$/, "") });
  }
  return edges;
}

/** Every `.ts` file under `dirs` (repository-relative), with its text. */
export function sourceFiles(root: string, dirs: readonly string[]): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) out.push({ file: path, text: readFileSync(join(root, path), "utf8") });
    }
  };
  for (const dir of dirs) walk(dir);
  return out;
}

const top = (path: string) => path.split("/")[0];
/** `modules/edge/distribution` → `edge`; undefined outside modules/. */
const moduleOf = (path: string) => (top(path) === "modules" ? path.split("/")[1] : undefined);
const withoutExtension = (path: string) => path.replace(/\.ts$/, "");

/**
 * The layering rules: config reads neither constructs nor modules; constructs read no module and no
 * config; a module reads no sibling module, apart from `known` exceptions. Returns one sentence per
 * violation, and one per known exception no import uses any more (so the list is kept honest).
 */
export function layerViolations(edges: readonly ImportEdge[], known: readonly KnownException[]): string[] {
  const problems: string[] = [];
  const used = new Set<KnownException>();
  for (const { from, to } of edges) {
    const source = withoutExtension(from);
    if (top(from) === "config" && ["modules", "constructs"].includes(top(to))) {
      problems.push(`${from} imports ${to}: config/ may import neither modules/ nor constructs/`);
    }
    if (top(from) === "constructs" && ["modules", "config"].includes(top(to))) {
      problems.push(`${from} imports ${to}: constructs/ may import neither modules/ nor config/`);
    }
    const [fromModule, toModule] = [moduleOf(from), moduleOf(to)];
    if (fromModule && toModule && fromModule !== toModule) {
      const exception = known.find((k) => k.from === source && k.to === to);
      if (exception) used.add(exception);
      else problems.push(`${from} imports ${to}: modules/${fromModule} may not import modules/${toModule}`);
    }
  }
  for (const k of known) {
    if (!used.has(k)) problems.push(`known exception ${k.from} → ${k.to} is no longer used: remove it`);
  }
  return problems;
}
