/** What a diagram holds: nodes grouped in nested clusters, and labelled edges between them. */

/** How a node is drawn: one style per kind of thing. */
export type NodeKind =
  | "actor"
  | "dns"
  | "edge"
  | "firewall"
  | "balancer"
  | "target"
  | "compute"
  | "container"
  | "network"
  | "gateway"
  | "endpoint"
  | "logs"
  | "bucket"
  | "pipeline"
  | "alarm"
  | "topic";

/** What an edge carries: requests, logs, placement in a subnet, routes, or control (deploys, alarms). */
export type EdgeKind = "request" | "log" | "placement" | "route" | "control";

export interface DiagramNode {
  readonly id: string;
  /** Lines of the label; the first is the title. */
  readonly lines: string[];
  readonly kind: NodeKind;
  readonly cluster?: string;
}

export interface DiagramCluster {
  readonly id: string;
  readonly label: string;
  readonly parent?: string;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
}

/** A diagram under construction; nodes are keyed by the Terraform address they stand for. */
export class Diagram {
  readonly nodes = new Map<string, DiagramNode>();
  readonly clusters = new Map<string, DiagramCluster>();
  readonly edges: DiagramEdge[] = [];

  constructor(readonly title: string) {}

  cluster(id: string, label: string, parent?: string): string {
    if (!this.clusters.has(id)) this.clusters.set(id, { id, label, parent });
    return id;
  }

  node(id: string, kind: NodeKind, lines: string[], cluster?: string): string {
    if (!this.nodes.has(id)) this.nodes.set(id, { id, kind, lines, cluster });
    return id;
  }

  /** Adds an edge once; an edge to or from a node never drawn is dropped (a mode without that piece). */
  edge(from: string, to: string, kind: EdgeKind, label?: string): void {
    if (!this.nodes.has(from) || !this.nodes.has(to)) return;
    if (this.edges.some((e) => e.from === from && e.to === to && e.label === label)) return;
    this.edges.push({ from, to, kind, label });
  }

  /** The edges between two nodes (tests read the diagram through this). */
  edgesBetween(from: string, to: string): DiagramEdge[] {
    return this.edges.filter((e) => e.from === from && e.to === to);
  }
}
