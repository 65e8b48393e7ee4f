import { z } from "zod";

const topicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, { message: "expected an SNS topic ARN" });

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

export const monitoring = z.strictObject({
  /** An existing topic for every alarm and event; the stack then creates none. @default a new encrypted topic */
  alarmTopicArn: topicArn.optional(),
  /** Subscriptions to the stack's topic. @default [] */
  subscriptions: z.array(subscription).default([]),
  thresholds: thresholds.prefault({}),
});
