import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, relative } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { deriveSubnetCidrs, type TierCidrs } from "./cidr";
import { rulePriorities } from "./routing";
import { environmentSchema, type ParsedEnvironment } from "./schema";
import { asOneServicePath, ONE_SERVICE_KEYS, oneServiceAsMap } from "./schema/services";

type ParsedService = ParsedEnvironment["services"][string];

/** One service of an environment: its section, its name, and its routing's derived priority. */
export interface ServiceConfig extends ParsedService {
  /** Its key in `services` (or `service.name` in the one-service form). */
  readonly name: string;
  readonly routing: ParsedService["routing"] & { readonly priority: number };
  readonly pipeline: ParsedService["pipeline"] & { readonly manualApproval: boolean };
}

/** One environment's configuration: validated, defaulted, with derived values filled in. */
export interface EnvironmentConfig extends Omit<ParsedEnvironment, "services"> {
  /** The environment's name: its file name without extension; also the stack's name. */
  readonly name: string;
  /** The file it came from, as given to the loader. */
  readonly file: string;
  readonly network: ParsedEnvironment["network"] & { readonly subnets: TierCidrs };
  readonly loadBalancer: ParsedEnvironment["loadBalancer"] & { readonly deletionProtection: boolean };
  /** The services behind the load balancer, in the order of the file. */
  readonly services: readonly ServiceConfig[];
}

/** Target group names (32 characters) must still show the service's name before any hash that fits them. */
const READABLE_TARGET_GROUP_HEAD = 24;

export interface LoadResult {
  readonly environments: EnvironmentConfig[];
  /** One line per problem, each naming file and field: `config/prod.yaml: network.cidr: expected …` */
  readonly errors: string[];
}

/**
 * No `-`: the environment's name is followed by the service's in every name (constructs/naming.ts), so
 * `dev` + service `api-x` and `dev-api` + service `x` would name the same resources.
 */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{1,15}$/;

/** Reads every `*.yaml` / `*.yml` in `dir`; collects all errors of all files before returning. */
export function loadEnvironments(dir: string): LoadResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return {
      environments: [],
      errors: [`${dir}: expected a directory of environment files, got nothing there`],
    };
  }
  const files = readdirSync(dir)
    // bootstrap.yaml configures the account's bootstrap stack (config/load-bootstrap.ts), not an environment.
    .filter((f) => [".yaml", ".yml"].includes(extname(f)) && basename(f, extname(f)) !== "bootstrap")
    .sort()
    .map((f) => join(dir, f));
  if (files.length === 0) {
    return { environments: [], errors: [`${dir}: expected at least one <environment>.yaml file, got none`] };
  }
  const environments: EnvironmentConfig[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const shown = displayPath(file);
    const name = basename(file, extname(file));
    const previous = seen.get(name);
    if (previous) {
      errors.push(`${shown}: expected one file per environment, got a second "${name}" (also ${previous})`);
      continue;
    }
    seen.set(name, shown);
    const result = loadEnvironmentFile(file, shown, name);
    if ("errors" in result) errors.push(...result.errors);
    else environments.push(result.environment);
  }
  return { environments, errors };
}

/** Parses and validates one file's text; `shown` is the path used in messages. */
export function parseEnvironment(
  text: string,
  shown: string,
  name: string,
): { environment: EnvironmentConfig } | { errors: string[] } {
  const errors: string[] = [];
  if (!ENVIRONMENT_NAME.test(name)) {
    errors.push(
      `${shown}: file name: expected 2-16 lowercase letters and digits, starting with a letter and without "-" (it names the stack and every resource, before the service's name: "dev-api" + "x" would read as "dev" + "api-x"), got "${name}"`,
    );
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:$/, "");
      const at = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : "";
      errors.push(`${shown}: ${at}expected valid YAML, got ${what}`);
    }
    return { errors };
  }
  const raw = doc.toJS() ?? {};
  const both = ONE_SERVICE_KEYS.filter((k) => typeof raw === "object" && k in raw && "services" in raw);
  for (const key of both) {
    errors.push(
      `${shown}: ${key}: expected either services: { <name>: {...} } or the one-service form (service:, deployment:, pipeline:), got both`,
    );
  }
  const { data, oneService } = oneServiceAsMap(raw);
  const parsed = environmentSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.flatMap((issue) => formatIssue(shown, issue));
    errors.push(...(oneService ? lines.map((l) => asOneServicePath(l, oneService)) : lines));
  }
  if (parsed.success) errors.push(...serviceNameChecks(parsed.data, name, shown));
  if (errors.length > 0 || !parsed.success) return { errors };
  return { environment: resolve(parsed.data, name, shown) };
}

function loadEnvironmentFile(file: string, shown: string, name: string) {
  return parseEnvironment(readFileSync(file, "utf8"), shown, name);
}

/** Fills in derived values: the one place they are computed. */
function resolve(env: ParsedEnvironment, name: string, file: string): EnvironmentConfig {
  const subnets =
    env.network.subnets ?? deriveSubnetCidrs(env.network.cidr, env.network.availabilityZones.length);
  const loadBalancer = {
    ...env.loadBalancer,
    deletionProtection: env.loadBalancer.deletionProtection ?? env.production,
  };
  const entries = Object.entries(env.services).map(([key, s]) => ({ name: key, ...s }));
  const priorities = rulePriorities(entries);
  const services = entries.map((s) => ({
    ...s,
    routing: { ...s.routing, priority: priorities.get(s.name) ?? 0 },
    pipeline: { ...s.pipeline, manualApproval: s.pipeline.manualApproval ?? env.production },
  }));
  return { ...env, name, file, network: { ...env.network, subnets }, loadBalancer, services };
}

/**
 * With several services, each one's target group names (`<project>-<environment>-<service>-green-<port>`, 32
 * characters at most) must show its name before the hash that fits a long name, so a person and an alarm
 * tell the groups apart.
 */
function serviceNameChecks(env: ParsedEnvironment, name: string, shown: string): string[] {
  const names = Object.keys(env.services);
  if (names.length < 2) return [];
  return names
    .map((service) => ({ service, head: `${env.project}-${name}-${service}` }))
    .filter(({ head }) => head.length > READABLE_TARGET_GROUP_HEAD)
    .map(
      ({ service, head }) =>
        `${shown}: services.${service}: expected a name that keeps "<project>-<environment>-<service>" within ${READABLE_TARGET_GROUP_HEAD} characters (target group names are 32, a blue/green pair adds "-green-<port>"), got "${head}" (${head.length})`,
    );
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

type Issue = z.core.$ZodIssue;

/** Turns a schema issue into `file: path: expected …, got …` lines (unknown keys: one line each). */
export function formatIssue(file: string, issue: Issue): string[] {
  const where = (path: PropertyKey[]) => (path.length > 0 ? path.map(String).join(".") : "(top level)");
  const input = (issue as { input?: unknown }).input;
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map(
      (key) => `${file}: ${where([...issue.path, key])}: unknown key (a typo?); remove it or fix its name`,
    );
  }
  return [`${file}: ${where(issue.path)}: ${describeIssue(issue, input)}`];
}

/** Zod's own wording; any other message was written in the schema and is kept. */
const GENERIC_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

function describeIssue(issue: Issue, input: unknown): string {
  const got = describeValue(input);
  if (issue.code !== "custom" && !GENERIC_MESSAGE.test(issue.message)) return `${issue.message}, got ${got}`;
  switch (issue.code) {
    case "invalid_type":
      return input === undefined
        ? `expected ${issue.expected}, got nothing (the field is required)`
        : `expected ${issue.expected}, got ${got}`;
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const limit = issue.code === "too_small" ? issue.minimum : issue.maximum;
      if (Array.isArray(input)) return `expected ${bound} ${limit} items, got ${input.length}`;
      if (typeof input === "string") return `expected ${bound} ${limit} characters, got ${input.length}`;
      return `expected ${bound} ${limit}, got ${got}`;
    }
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(" | ")}, got ${got}`;
    case "invalid_key":
      return `${issue.issues.map((inner) => inner.message).join("; ")}, got key ${got}`;
    case "invalid_union":
      return `expected one of the allowed forms, got ${got}`;
    case "custom":
      return issue.message.includes(", got ") ? issue.message : `${issue.message}, got ${got}`;
    default:
      return `expected a valid value (${issue.message}), got ${got}`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 60)})`;
  if (typeof value === "object") return "a mapping";
  return String(value);
}
