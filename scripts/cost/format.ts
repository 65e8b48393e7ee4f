import type { Estimate } from "./estimate";

const money = (n: number) => n.toFixed(2);
const amount = (n: number) =>
  n === 0 ? "0" : n < 10 ? n.toFixed(3).replace(/\.?0+$/, "") : n.toFixed(1).replace(/\.0$/, "");
const price = (n: number) => String(Number(n.toPrecision(4)));

/** The estimate as a plain-text table for a terminal. */
export function formatTable(e: Estimate): string {
  const header = `${e.environment} (${e.region}): monthly estimate, USD, list prices of ${e.pricesAsOf} (verify before quoting)`;
  const rows = e.items.map((i) => [
    i.service,
    i.item,
    `${amount(i.quantity)} ${i.unit}`,
    price(i.unitPrice),
    money(i.monthly),
  ]);
  rows.push(["", "total", "", "", money(e.total)]);
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((r) => r[c].length), 4));
  const pad = (r: string[]) =>
    r.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ");
  return [header, pad(["service", "item", "quantity", "unit $", "monthly $"]), ...rows.map(pad), ""].join(
    "\n",
  );
}

/** The estimate as a Markdown table (the README's). */
export function formatMarkdown(e: Estimate): string {
  const lines = [
    `**${e.environment}** (${e.region}): **$${money(e.total)} a month**, list prices of ${e.pricesAsOf}`,
    "",
    "| service | item | quantity | unit price $ | monthly $ |",
    "|---|---|--:|--:|--:|",
    ...e.items.map(
      (i) =>
        `| ${i.service} | ${i.item.replace(/\|/g, "\\|")} | ${amount(i.quantity)} ${i.unit} | ${price(i.unitPrice)} | ${money(i.monthly)} |`,
    ),
    `| | **total** | | | **${money(e.total)}** |`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Item-by-item differences between two estimates of an environment (before → after). */
export function formatDiff(before: Estimate | undefined, after: Estimate | undefined): string {
  const name = after?.environment ?? before?.environment;
  // The parenthesized detail of an item holds its quantities, which the diff is about: match without it.
  const key = (i: { service: string; item: string }) => `${i.service}: ${i.item.replace(/\s*\(.*\)$/, "")}`;
  const old = new Map((before?.items ?? []).map((i) => [key(i), i.monthly]));
  const now = new Map((after?.items ?? []).map((i) => [key(i), i.monthly]));
  const changes = [...new Set([...old.keys(), ...now.keys()])]
    .map((k) => [k, old.get(k) ?? 0, now.get(k) ?? 0] as const)
    .filter(([, a, b]) => Math.abs(b - a) >= 0.005);
  const total = (after?.total ?? 0) - (before?.total ?? 0);
  const sign = (n: number) => `${n >= 0 ? "+" : "-"}${money(Math.abs(n))}`;
  return [
    `${name}: ${money(before?.total ?? 0)} → ${money(after?.total ?? 0)} USD a month (${sign(total)})`,
    ...changes.map(([k, a, b]) => `  ${sign(b - a).padStart(9)}  ${k} (${money(a)} → ${money(b)})`),
    "",
  ].join("\n");
}
