import type { Adjustment, ExcludedType } from "./moto-gaps";

/**
 * Prepares a copy of a synthesized stack for moto: leaves out the resources of the excluded types and,
 * transitively, every resource, data source, local and output that refers to one of them. prevent_destroy
 * stays as synthesized for the apply and the plan; `liftPreventDestroy` lifts it in the copy only just
 * before the destroy. The synthesized stack itself is never touched.
 */

export type Body = Record<string, unknown>;
export interface StackJson {
  resource?: Record<string, Record<string, Body>>;
  data?: Record<string, Record<string, Body>>;
  output?: Record<string, Body>;
  locals?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Pruned {
  /** e.g. `aws_codestarconnections_connection.pipeline_connection_1A2B3C4D` */
  readonly address: string;
  /** Why: the excluded type's reason, or `refers to <address>`. */
  readonly why: string;
}

export interface PreparedStack {
  readonly json: StackJson;
  readonly pruned: Pruned[];
  /** `address: attribute = value` of each adjustment made in the copy. */
  readonly adjusted: string[];
}

/** `${aws_x.name...}`, `${data.aws_x.name...}`, `${local.name}` inside an interpolation. */
const REFERENCE = /(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|aws_[a-z0-9_]+\.[A-Za-z0-9_-]+|local\.[A-Za-z0-9_-]+)/g;

export function prepareForMoto(
  stack: StackJson,
  excluded: readonly ExcludedType[],
  adjustments: readonly Adjustment[] = [],
): PreparedStack {
  const json = structuredClone(stack);
  const pruned: Pruned[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const gap = excluded.find((e) => e.type === type && (e.applies?.(body) ?? true));
      if (gap) pruned.push({ address: `${type}.${name}`, why: `moto: ${gap.reason}` });
    }
  }
  const gone = new Set(pruned.map((p) => p.address));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [address, body] of blocks(json)) {
      if (gone.has(address)) continue;
      const target = references(body).find((r) => gone.has(r));
      if (!target) continue;
      gone.add(address);
      pruned.push({ address, why: `refers to ${target}` });
      changed = true;
    }
  }
  for (const address of gone) remove(json, address);
  return { json, pruned, adjusted: adjust(json, adjustments) };
}

/** Every block that can refer to another, by the address a reference to it uses. */
function* blocks(json: StackJson): Generator<[string, unknown]> {
  for (const [type, byName] of Object.entries(json.resource ?? {}))
    for (const [name, body] of Object.entries(byName)) yield [`${type}.${name}`, body];
  for (const [type, byName] of Object.entries(json.data ?? {}))
    for (const [name, body] of Object.entries(byName)) yield [`data.${type}.${name}`, body];
  for (const [name, value] of Object.entries(json.locals ?? {})) yield [`local.${name}`, value];
  for (const [name, body] of Object.entries(json.output ?? {})) yield [`output.${name}`, body];
}

/** The addresses a block refers to, in interpolations and in depends_on. */
export function references(value: unknown): string[] {
  const text = JSON.stringify(value);
  const found = new Set<string>();
  for (const interpolation of text.match(/\$\{[^}]*\}/g) ?? [])
    for (const m of interpolation.matchAll(REFERENCE)) found.add(m[1]);
  const dependsOn = (value as { depends_on?: unknown })?.depends_on;
  if (Array.isArray(dependsOn)) for (const d of dependsOn) if (typeof d === "string") found.add(d);
  return [...found];
}

function remove(json: StackJson, address: string): void {
  const parts = address.split(".");
  if (parts[0] === "output") delete json.output?.[parts[1]];
  else if (parts[0] === "local") delete json.locals?.[parts[1]];
  else if (parts[0] === "data") delete json.data?.[parts[1]]?.[parts[2]];
  else delete json.resource?.[parts[0]]?.[parts[1]];
  // Terraform rejects a type, or an output or locals block, with nothing left under it.
  for (const section of [json.resource, json.data]) {
    for (const [type, byName] of Object.entries(section ?? {}))
      if (Object.keys(byName).length === 0) delete section?.[type];
  }
  for (const key of ["resource", "data", "output", "locals"] as const)
    if (json[key] && Object.keys(json[key]).length === 0) delete json[key];
}

/** Sets prevent_destroy to false in place; returns the addresses it was lifted on. */
export function liftPreventDestroy(json: StackJson): string[] {
  const lifted: string[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
      if (!lifecycle?.prevent_destroy) continue;
      lifecycle.prevent_destroy = false;
      lifted.push(`${type}.${name}`);
    }
  }
  return lifted;
}

function adjust(json: StackJson, adjustments: readonly Adjustment[]): string[] {
  const made: string[] = [];
  for (const a of adjustments) {
    for (const [name, body] of Object.entries(json.resource?.[a.type] ?? {})) {
      if (a.applies && !a.applies(body)) continue;
      body[a.attribute] = typeof a.value === "function" ? a.value(body[a.attribute]) : a.value;
      made.push(`${a.type}.${name}: ${a.attribute} = ${JSON.stringify(body[a.attribute])}`);
    }
  }
  return made;
}
