/**
 * Reads a synthesized stack (cdktf.out/stacks/<env>/cdk.tf.json): its resources and the references between
 * them. The diagram and the cost estimate are built from this alone, so they show the code and config as
 * they are, not a second, hand-kept model.
 */

// biome-ignore lint/suspicious/noExplicitAny: Terraform JSON bodies are untyped by nature.
export type Body = Record<string, any>;

export interface StackJson {
  resource?: Record<string, Record<string, Body>>;
  provider?: { aws?: Body[] };
}

export interface Resource {
  readonly type: string;
  readonly name: string;
  /** `type.name`, as a reference names it. */
  readonly address: string;
  readonly body: Body;
}

/** `${aws_x.name.attr…}`, not the escaped `$${…}` of a literal dollar. */
const REFERENCE = /(?<!\$)\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)[.}[]/g;

/** The addresses a value refers to, anywhere inside it (nested blocks, JSON strings). */
export function referencesIn(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === "string") for (const m of v.matchAll(REFERENCE)) found.add(`${m[1]}.${m[2]}`);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found];
}

/** One synthesized stack, indexed by address. */
export class Stack {
  private readonly byAddress = new Map<string, Resource>();

  constructor(
    readonly name: string,
    readonly json: StackJson,
  ) {
    for (const [type, bodies] of Object.entries(json.resource ?? {})) {
      for (const [name, body] of Object.entries(bodies)) {
        this.byAddress.set(`${type}.${name}`, { type, name, address: `${type}.${name}`, body });
      }
    }
  }

  /** The default provider's region. */
  get region(): string {
    const provider = (this.json.provider?.aws ?? []).find((p) => !p.alias);
    return String(provider?.region ?? "");
  }

  /** Every resource of a type, in the order of the synthesized JSON. */
  all(type: string): Resource[] {
    return [...this.byAddress.values()].filter((r) => r.type === type);
  }

  get(address: string): Resource | undefined {
    return this.byAddress.get(address);
  }

  /** The resources a value refers to, optionally of one type. */
  referenced(value: unknown, type?: string): Resource[] {
    return referencesIn(value)
      .map((a) => this.byAddress.get(a))
      .filter((r): r is Resource => r !== undefined && (!type || r.type === type));
  }

  /** The resources of `type` whose body refers to `target`. */
  referencing(target: Resource, type: string): Resource[] {
    return this.all(type).filter((r) => referencesIn(r.body).includes(target.address));
  }

  /**
   * The resource of `type` whose `field` holds `value` literally: for the few places a name or ARN is
   * written out rather than referenced (an alarm's topic ARN, an awslogs group name, a pipeline's project).
   */
  named(type: string, value: unknown, field = "name"): Resource | undefined {
    if (typeof value !== "string") return undefined;
    // Most names are passed by reference (`${aws_s3_bucket.x.bucket}`): the referenced resource is the one.
    const [byReference] = this.referenced(value, type);
    if (byReference) return byReference;
    const last = value.split(/[:/]/).pop();
    return this.all(type).find(
      (r) => r.body[field] === value || (value.startsWith("arn:") && r.body[field] === last),
    );
  }
}

/** `${aws_x.name.attr}` of one attribute, to be resolved to what the resource's body says literally. */
const ATTRIBUTE = /(?<!\$)\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g;

/**
 * The text with each reference to a literal attribute of the stack's resources replaced by its value
 * (`service/${aws_ecs_cluster.c.name}/…` becomes `service/fws-dev/…`); other references stay as they are.
 */
export function resolveLiterals(stack: Stack, text: unknown): string | undefined {
  if (typeof text !== "string") return undefined;
  return text.replace(ATTRIBUTE, (whole, type: string, name: string, attr: string) => {
    const value = stack.get(`${type}.${name}`)?.body[attr];
    return typeof value === "string" && !value.includes("${") ? value : whole;
  });
}

/** Parses a JSON-encoded attribute (container definitions, policies); `[]`/`{}` when absent. */
export function parseJsonAttribute<T>(text: unknown, fallback: T): T {
  return typeof text === "string" ? (JSON.parse(text) as T) : fallback;
}
