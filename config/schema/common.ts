import { z } from "zod";
import { parseCidr } from "../cidr";

/** Field types shared by every section of the environment schema. */

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const REGION_PATTERN = /^(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-)?[a-z]+-\d$/;

export const region = z
  .string()
  .regex(REGION_PATTERN, { message: "expected an AWS region such as eu-west-1" });

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
