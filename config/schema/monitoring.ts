import { z } from "zod";
import { adder } from "./common";

const topicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, { message: "expected an SNS topic ARN" });

const keyArn = z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]+$/, {
  message: 'expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or "none"',
});

const subscription = z.strictObject({
  /** How the notification is delivered. */
  protocol: z.enum(["email", "https", "sqs", "lambda"]),
  /** Address, URL or ARN, as the protocol wants. */
  endpoint: z.string().min(3),
});

const thresholds = z.strictObject({
  /** Target 5XX responses, percent of requests over 5 minutes. @default 5 */
  target5xxPercent: z.number().gt(0).max(100).default(5),
  /** 5XX responses the ALB itself generated in 5 minutes. @default 10 */
  elb5xxCount: z.number().int().min(1).default(10),
  /** p99 target response time (the SLO), seconds, three 1-minute periods in a row. @default 2 */
  p99LatencySeconds: z.number().gt(0).max(120).default(2),
  /** p90 target response time that adds tasks (step scaling), seconds. @default 1 */
  p90ScaleOutSeconds: z.number().gt(0).max(120).default(1),
  /**
   * Requests a target group must answer in a minute before its p99/p90 latency counts for the latency alarms
   * (rollback and scale-out); a quieter minute is OK. Keep it below the green group's share of a canary
   * (prod: ~690 requests/min, 10% ≈ 70). @default 50
   */
  latencyMinSamples: z.number().int().min(1).default(50),
  /** Average service CPU, percent. @default 85 */
  cpuPercent: z.number().gt(0).max(100).default(85),
  /** Average service memory, percent. @default 85 */
  memoryPercent: z.number().gt(0).max(100).default(85),
  /** Ephemeral storage used, percent of the task's. @default 80 */
  ephemeralStoragePercent: z.number().gt(0).max(100).default(80),
  /** Requests WAF blocked in 5 minutes (a spike worth a look). @default 500 */
  wafBlockedRequests: z.number().int().min(1).default(500),
});

const monitoringFields = z.strictObject({
  /** An existing topic for every alarm and event; the stack then creates none. @default a new encrypted topic */
  alarmTopicArn: topicArn.optional(),
  /**
   * The customer-managed KMS key that encrypts `alarmTopicArn`'s topic, or "none" (unencrypted, or the
   * AWS-managed aws/sns key). The pipeline role publishes the manual-approval request itself and gets
   * kms:GenerateDataKey and kms:Decrypt on it. Required with alarmTopicArn when the pipeline's manual approval
   * is on. @default none
   */
  alarmTopicKeyArn: z.union([z.literal("none"), keyArn]).optional(),
  /** Subscriptions to the stack's topic. @default [] */
  subscriptions: z.array(subscription).default([]),
  thresholds: thresholds.prefault({}),
});

function monitoringChecks(m: z.output<typeof monitoringFields>, ctx: z.RefinementCtx): void {
  if (m.alarmTopicKeyArn && !m.alarmTopicArn) {
    adder(ctx)(
      ["alarmTopicKeyArn"],
      `expected no key without monitoring.alarmTopicArn (the stack's own topic brings its own key), got "${m.alarmTopicKeyArn}"`,
    );
  }
}

export const monitoring = monitoringFields.superRefine(monitoringChecks);
