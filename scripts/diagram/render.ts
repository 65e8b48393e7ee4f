import { instance } from "@viz-js/viz";

/**
 * DOT → SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no binary, no network. The picture gets
 * a `<title>` as the svg element's first child, which screen readers (and biome's a11y rule) look for.
 */
export async function renderSvg(dot: string, title: string): Promise<string> {
  const viz = await instance();
  const svg = viz.renderString(dot, { format: "svg", engine: "dot" });
  const escaped = title.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return svg.replace(/(<svg\b[^>]*>)/, `$1\n<title>${escaped}</title>`);
}
