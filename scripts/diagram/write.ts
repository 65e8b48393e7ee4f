import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Stack } from "../lib/stack-json";
import { buildDiagram } from "./build";
import { toDot } from "./dot";
import { renderSvg } from "./render";

/** A stack's diagram as DOT source and SVG picture. */
export async function diagramFiles(stack: Stack): Promise<{ dot: string; svg: string }> {
  const diagram = buildDiagram(stack);
  const dot = toDot(diagram);
  return {
    dot,
    svg: await renderSvg(dot, `${diagram.title}: architecture generated from the synthesized stack`),
  };
}

/** Writes `<dir>/<stack>.dot` and `<dir>/<stack>.svg`; returns the SVG's path. */
export async function writeDiagram(stack: Stack, dir: string): Promise<string> {
  const { dot, svg } = await diagramFiles(stack);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${stack.name}.dot`), dot);
  writeFileSync(join(dir, `${stack.name}.svg`), svg);
  return join(dir, `${stack.name}.svg`);
}
