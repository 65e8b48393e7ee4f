import type { Body } from "../lib/stack-json";

/** Small label helpers shared by the diagram's views. */

/** `HTTPS :443` for a listener or a target group. */
export function portLabel(body: Body): string {
  return `${body.protocol ?? "TCP"} :${body.port}`;
}

/** The last segment of a construct path: `service-site_cluster_93AD4846` → `cluster`. */
export function shortName(logicalName: string): string {
  const parts = logicalName.split("_");
  return parts.length > 2 ? parts.slice(1, -1).join(" ") : logicalName;
}

/** `eu-west-1a` → `a`. */
export function azLetter(zone: string): string {
  return zone.slice(-1);
}

/** Days as a person reads a retention: `14 d`, `1 y`, `7 y`. */
export function retention(days: unknown): string {
  const d = Number(days);
  if (!d) return "kept forever";
  if (d % 365 === 0) return `${d / 365} y`;
  if (d > 365 && Math.abs(d / 365.25 - Math.round(d / 365.25)) < 0.01) return `${Math.round(d / 365.25)} y`;
  return `${d} d`;
}
