import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Estimate, estimate } from "../scripts/cost/estimate";
import { formatDiff, formatTable } from "../scripts/cost/format";
import type { CostItem } from "../scripts/cost/item";
import { PRICE_TABLE, regionalPrices } from "../scripts/cost/prices";
import { firings, taskHoursPerWeek } from "../scripts/cost/schedule";
import { costSectionOf, generatedDocs } from "../scripts/docs/generated";
import { Stack } from "../scripts/lib/stack-json";
import { type SynthesizedEnvironment, synthesizeEnvironments } from "../scripts/lib/synth-stacks";
import { configFromText, synthConfig } from "./support/synth";

const DEV = readFileSync("config/dev.yaml", "utf8");
let examples: SynthesizedEnvironment[];
let dev: Estimate;
let prod: Estimate;

beforeAll(() => {
  examples = synthesizeEnvironments("config", join(mkdtempSync(join(tmpdir(), "fws-cost-test-")), "out"));
  [dev, prod] = examples.map(({ stack, config }) => estimate(stack, config.cost));
});

/** dev.yaml with some text replaced, synthesized and priced. */
/** dev with each replacement made wherever it occurs (in every service that has it). */
function devWith(...replacements: [string, string][]): Estimate {
  let text = DEV;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`config/dev.yaml has no "${from}"`);
    text = text.replaceAll(from, to);
  }
  const config = configFromText(text, "config/dev.yaml", "dev");
  return estimate(new Stack("dev", synthConfig(config)), config.cost);
}

const sum = (e: Estimate, match: (i: CostItem) => boolean) =>
  e.items.filter(match).reduce((s, i) => s + i.monthly, 0);
/** The summed quantity of the items starting with `start`: one per service where each service has its own. */
const quantity = (e: Estimate, service: string, start: string) => {
  const found = e.items.filter((i) => i.service === service && i.item.startsWith(start));
  if (found.length === 0) throw new Error(`expected ${service} items "${start}…", got none`);
  return found.reduce((q, i) => q + i.quantity, 0);
};
const item = (e: Estimate, service: string, start: string) => {
  const found = e.items.filter((i) => i.service === service && i.item.startsWith(start));
  if (found.length !== 1) throw new Error(`expected one ${service} item "${start}…", got ${found.length}`);
  return found[0];
};

describe("the estimate adds up", () => {
  it.each(["dev", "prod"])(
    "%s: every line is quantity × unit price, the total their sum, each priced resource real",
    (name) => {
      const e = name === "dev" ? dev : prod;
      const stack = examples.find((x) => x.stack.name === name)?.stack as Stack;
      for (const i of e.items) {
        expect(i.monthly).toBeCloseTo(i.quantity * i.unitPrice, 10);
        for (const address of i.resources) expect(stack.get(address)).toBeDefined();
      }
      expect(e.total).toBeCloseTo(
        e.items.reduce((s, i) => s + i.monthly, 0),
        10,
      );
      expect(e.pricesAsOf).toBe(PRICE_TABLE.asOf);
      expect(formatTable(e)).toContain(`list prices of ${PRICE_TABLE.asOf}`);
    },
  );

  it("prices what the stacks hold: dev one NAT gateway, prod three and nine endpoint ENIs", () => {
    const p = regionalPrices("eu-west-1");
    expect(item(dev, "VPC", "NAT gateway hours").quantity).toBe(730);
    expect(item(prod, "VPC", "NAT gateway hours").quantity).toBe(3 * 730);
    expect(item(prod, "VPC", "interface endpoint hours").quantity).toBe(9 * 730);
    expect(item(prod, "VPC", "NAT gateway hours").unitPrice).toBe(p.natGatewayHour);
    // Public addresses: dev's NAT EIP and its internet-facing ALB in two AZs; prod's ALB is internal.
    expect(item(dev, "VPC", "public IPv4").quantity).toBe(3 * 730);
    expect(item(prod, "VPC", "public IPv4").quantity).toBe(3 * 730);
    // CloudFront carries prod's responses; dev's leave through the ALB and are data transfer.
    expect(prod.items.some((i) => i.service === "Data transfer")).toBe(false);
    expect(item(dev, "Data transfer", "responses").quantity).toBeCloseTo(
      (300_000 * 50 * 1024) / 1024 ** 3,
      6,
    );
  });

  it("uses each environment's usage overrides and the schema's defaults for the rest", () => {
    expect(dev.usage.requestsPerMonth).toBe(300_000);
    expect(prod.usage.requestsPerMonth).toBe(30_000_000);
    expect(dev.usage.logBytesPerRequest).toBe(1000);
    expect(item(prod, "WAF", "requests inspected").quantity).toBe(30);
    expect(item(prod, "CloudFront", "HTTPS requests").quantity).toBe(3000);
  });

  it("prices CloudFront-scope log groups at us-east-1's rate", () => {
    expect(item(prod, "CloudWatch Logs", "ingestion aws-waf-logs").unitPrice).toBe(
      regionalPrices("us-east-1").logsVendedIngestGb,
    );
    expect(item(prod, "CloudWatch Logs", "ingestion /fws/prod/site/web").unitPrice).toBe(
      regionalPrices("eu-west-1").logsIngestGb,
    );
  });
});

describe("the estimate moves the right way when config changes", () => {
  it("a second NAT gateway adds its hours, its Elastic IP and its port-allocation alarm, nothing else", () => {
    const perAz = devWith(["natGateways: single", "natGateways: perAz"]);
    const p = regionalPrices("eu-west-1");
    expect(item(perAz, "VPC", "NAT gateway hours").quantity).toBe(2 * 730);
    expect(item(perAz, "CloudWatch", "alarms").quantity).toBe(item(dev, "CloudWatch", "alarms").quantity + 1);
    expect(perAz.total - dev.total).toBeCloseTo(730 * p.natGatewayHour + 730 * p.publicIpv4Hour + 0.1, 6);
  });

  it("more tasks cost proportionally more Fargate; other lines stay", () => {
    const more = devWith(["desiredCount: 1", "desiredCount: 2"], ["minCount: 1", "minCount: 2"]);
    const fargate = (e: Estimate) => sum(e, (i) => i.service === "Fargate");
    expect(fargate(more)).toBeCloseTo(2 * fargate(dev), 6);
    expect(sum(more, (i) => i.service !== "Fargate")).toBeCloseTo(
      sum(dev, (i) => i.service !== "Fargate"),
      6,
    );
  });

  it("the night and weekend stop runs dev 65 of 168 hours; without it the services run all month", () => {
    const always = devWith([
      "      schedule:\n        stopAt: cron(0 20 ? * MON-FRI *)\n        startAt: cron(0 7 ? * MON-FRI *)\n        timezone: Europe/Dublin\n",
      "",
    ]);
    // One task each: the site's 0.5 vCPU and the api's 0.25.
    const hours = (e: Estimate) => quantity(e, "Fargate", "Spot vCPU-hours") / 0.75;
    expect(hours(always)).toBeCloseTo(730, 6);
    expect(hours(dev)).toBeCloseTo((730 * 65) / 168, 6);
  });

  it("longer retention stores more log data; ingestion does not change", () => {
    const longer = devWith([
      "    logRetentionDays: 14\n    environment:",
      "    logRetentionDays: 365\n    environment:",
    ]);
    const web = (e: Estimate, start: string) => item(e, "CloudWatch Logs", `${start} /fws/dev/site/web`);
    expect(web(longer, "storage").monthly).toBeGreaterThan(web(dev, "storage").monthly * 20);
    expect(web(longer, "ingestion").monthly).toBe(web(dev, "ingestion").monthly);
    expect(longer.total).toBeGreaterThan(dev.total);
  });

  it("on-demand weight moves Spot hours to on-demand and costs more", () => {
    const onDemand = devWith([
      "fargateWeight: 0\n      fargateSpotWeight: 1",
      "fargateWeight: 1\n      fargateSpotWeight: 0",
    ]);
    expect(onDemand.items.some((i) => i.item.startsWith("Spot"))).toBe(false);
    expect(quantity(onDemand, "Fargate", "on-demand vCPU-hours")).toBeCloseTo(
      quantity(dev, "Fargate", "Spot vCPU-hours"),
      6,
    );
    expect(sum(onDemand, (i) => i.service === "Fargate")).toBeGreaterThan(
      sum(dev, (i) => i.service === "Fargate") * 3,
    );
  });

  it("the diff of two estimates lists the changed lines and the total's change", () => {
    const perAz = devWith(["natGateways: single", "natGateways: perAz"]);
    const text = formatDiff(dev, perAz);
    expect(text.split("\n")[0]).toBe(
      `dev: ${dev.total.toFixed(2)} → ${perAz.total.toFixed(2)} USD a month (+${(perAz.total - dev.total).toFixed(2)})`,
    );
    expect(text).toContain("+35.04  VPC: NAT gateway hours (35.04 → 70.08)");
    expect(text).not.toContain("Fargate");
  });
});

describe("schedules", () => {
  it("reads AWS cron weekdays: MON-FRI at 20:00 fires five times a week", () => {
    expect(firings("cron(0 20 ? * MON-FRI *)")).toEqual([1, 2, 3, 4, 5].map((d) => d * 1440 + 20 * 60));
    expect(firings("cron(30 6 ? * 2,4 *)")).toEqual([1440 + 390, 3 * 1440 + 390]);
    expect(() => firings("cron(0 20 1 * ? *)")).toThrow(
      'expected a weekly cron(m h ? * dow *), got "cron(0 20 1 * ? *)"',
    );
  });

  it("holds the baseline within each action's min and max between firings", () => {
    const action = (schedule: string, min: number, max: number) => ({
      type: "",
      name: "",
      address: "",
      body: { schedule, scalable_target_action: { min_capacity: String(min), max_capacity: String(max) } },
    });
    const actions = [action("cron(0 20 ? * MON-FRI *)", 0, 0), action("cron(0 7 ? * MON-FRI *)", 2, 4)];
    expect(taskHoursPerWeek(actions, 1)).toBe(2 * 65);
    expect(taskHoursPerWeek(actions, 3)).toBe(3 * 65);
    expect(taskHoursPerWeek([], 2)).toBe(2 * 168);
  });
});

describe("config", () => {
  it("rejects a negative usage figure with the file and field", () => {
    expect(() => configFromText(`${DEV}  extraTasks: -1\n`, "config/dev.yaml", "dev")).toThrow(
      "config/dev.yaml: cost.extraTasks: expected at least 0, got -1",
    );
  });
});

describe("the command", () => {
  const run = (...args: string[]) =>
    execFileSync(process.execPath, ["--import", "tsx", "scripts/cost.ts", ...args], {
      encoding: "utf8",
      env: { ...process.env, CDKTF_OUTDIR: join(mkdtempSync(join(tmpdir(), "fws-cost-cli-")), "out") },
    });

  it("prints JSON for machines: per environment its items, total, assumptions and price date", () => {
    const printed = JSON.parse(run("--json")) as Estimate[];
    expect(printed.map((e) => e.environment)).toEqual(["dev", "prod"]);
    expect(printed[1].total).toBeCloseTo(prod.total, 6);
    expect(printed[1].pricesAsOf).toBe(PRICE_TABLE.asOf);
    expect(printed[1].usage.requestsPerMonth).toBe(30_000_000);
  });

  it("prints the change since another commit (--diff), synthesizing that commit in a temporary worktree", () => {
    const lines = run("--diff", "HEAD").split("\n");
    expect(
      lines.filter((l) => /^(dev|prod): \d+\.\d\d → \d+\.\d\d USD a month \([+-]\d+\.\d\d\)$/.test(l)),
    ).toHaveLength(2);
    expect(execFileSync("git", ["worktree", "list"], { encoding: "utf8" })).not.toContain("fws-cost-");
  });
});

describe("README", () => {
  it("shows the current estimates of dev and prod (npm run docs regenerates them)", async () => {
    const { costSection } = await generatedDocs(examples);
    const readme = costSectionOf(readFileSync("README.md", "utf8"));
    // If this fails, the stacks or the assumptions changed: run `npm run docs` and commit.
    expect(readme === costSection ? "current" : "stale: run npm run docs").toBe("current");
  });
});
