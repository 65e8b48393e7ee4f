import type { Diagram, DiagramCluster, DiagramNode, EdgeKind, NodeKind } from "./model";

/** Fill colours by kind, in the spirit of the AWS icon palette (network purple, compute orange, …). */
const NODE_STYLE: Record<NodeKind, string> = {
  actor: 'shape=oval, fillcolor="#ffffff"',
  dns: 'fillcolor="#e6dcf5"',
  edge: 'fillcolor="#e6dcf5"',
  firewall: 'fillcolor="#f8d7da"',
  balancer: 'fillcolor="#e6dcf5", penwidth=2',
  target: 'fillcolor="#efe8fa"',
  compute: 'fillcolor="#ffe3c4", penwidth=2',
  container: 'fillcolor="#fff1e0"',
  network: 'fillcolor="#f3effa"',
  gateway: 'fillcolor="#e6dcf5"',
  endpoint: 'fillcolor="#efe8fa"',
  logs: 'fillcolor="#f9e0ec"',
  bucket: 'fillcolor="#dff2d8"',
  pipeline: 'fillcolor="#dbe9f9"',
  alarm: 'fillcolor="#f9e0ec"',
  topic: 'fillcolor="#f9e0ec", penwidth=2',
};

const EDGE_STYLE: Record<EdgeKind, string> = {
  request: 'color="#1f4e99", penwidth=2',
  log: 'color="#b0437a", style=dashed',
  placement: 'color="#9a8fb0", style=dotted, arrowhead=none',
  route: 'color="#6b4fa0"',
  control: 'color="#4d7a36", style=dashed',
};

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function nodeLine(n: DiagramNode): string {
  const label = n.lines.map((l) => l.replace(/\\/g, "\\\\").replace(/"/g, '\\"')).join("\\n");
  return `${quote(n.id)} [label="${label}", ${NODE_STYLE[n.kind]}];`;
}

/** The diagram as DOT, clusters nested, ordered as built so the text (and the picture) is stable. */
export function toDot(d: Diagram): string {
  const out = [
    `digraph ${quote(d.title)} {`,
    `  graph [label=${quote(d.title)}, labelloc=t, fontname="Helvetica", fontsize=20, rankdir=LR, newrank=true, nodesep=0.3, ranksep=0.6];`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const children = (parent?: string) => [...d.clusters.values()].filter((c) => c.parent === parent);
  const write = (cluster: DiagramCluster, indent: string) => {
    out.push(`${indent}subgraph ${quote(`cluster_${cluster.id}`)} {`);
    out.push(
      `${indent}  label=${quote(cluster.label)}; style="rounded"; color="#8c8c8c"; fontname="Helvetica"; fontsize=12;`,
    );
    for (const n of d.nodes.values()) if (n.cluster === cluster.id) out.push(`${indent}  ${nodeLine(n)}`);
    for (const child of children(cluster.id)) write(child, `${indent}  `);
    out.push(`${indent}}`);
  };
  for (const n of d.nodes.values()) if (!n.cluster) out.push(`  ${nodeLine(n)}`);
  for (const c of children(undefined)) write(c, "  ");
  for (const e of d.edges) {
    const label = e.label ? `label=${quote(e.label)}, ` : "";
    out.push(`  ${quote(e.from)} -> ${quote(e.to)} [${label}${EDGE_STYLE[e.kind]}];`);
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}
