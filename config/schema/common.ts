import { z } from "zod";
import { parseCidr } from "../cidr";

/** Field types shared by every section of the environment schema. */

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The AWS Regions (commercial, GovCloud, China) a stack may name; add one here when AWS opens it. */
// biome-ignore format: one line per geography reads better than one region per line
export const AWS_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "af-south-1",
  "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
  "ca-central-1", "ca-west-1",
  "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
  "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
  "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1",
] as const;

/** Edit distance, to suggest the region a typo meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The known region closest to `text`, when it is a likely typo (two edits or fewer). */
export function nearestRegion(text: string): string | undefined {
  const [best] = [...AWS_REGIONS].sort((x, y) => distance(text, x) - distance(text, y));
  return distance(text, best) <= 2 ? best : undefined;
}

export const region = z.string().refine((text) => (AWS_REGIONS as readonly string[]).includes(text), {
  error: (issue) => {
    const near = typeof issue.input === "string" ? nearestRegion(issue.input) : undefined;
    return `expected an AWS region such as eu-west-1${near ? ` (did you mean ${near}?)` : ""}`;
  },
});

export const retentionDays = z
  .number()
  .int()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `expected a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")} days)`,
  });

export const cidrBlock = z.string().refine((text) => parseCidr(text) !== undefined, {
  message: "expected an IPv4 CIDR block such as 10.0.0.0/16 (no host bits set)",
});

export const port = z.number().int().min(1).max(65535);

export type AddIssue = (path: (string | number)[], message: string) => void;

/** Adds custom issues, whose messages say what was expected and what was given. */
export function adder(ctx: z.RefinementCtx): AddIssue {
  return (path, message) => ctx.addIssue({ code: "custom", path, message });
}
