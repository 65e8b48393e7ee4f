import { z } from "zod";
import { type AddIssue, adder, retentionDays } from "./common";

/**
 * The `audit:` section: CloudTrail, its CIS alarms and AWS Config, each switchable for organisations that
 * already run them centrally. All of it is account-level (see docs/audit.md).
 */

/** The shortest CloudWatch retention an audit trail may have: a year of searchable events. */
export const MIN_TRAIL_RETENTION_DAYS = 365;

/** How often AWS Config delivers a snapshot of every recorded resource. */
export const SNAPSHOT_FREQUENCIES = [
  "One_Hour",
  "Three_Hours",
  "Six_Hours",
  "Twelve_Hours",
  "TwentyFour_Hours",
] as const;

/** Days objects are kept in an audit bucket: at most a century. */
const bucketDays = z.number().int().min(1).max(36500);

const trailArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/, {
    message: "expected a CloudTrail trail ARN such as arn:aws:cloudtrail:eu-west-1:123456789012:trail/org",
  });
const topicArn = z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, {
  message: "expected an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:alarms",
});
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
  message: "expected an S3 bucket name",
});

const objectLock = z.strictObject({
  /** S3 Object Lock in governance mode on the trail bucket. @default false */
  enabled: z.boolean().default(false),
  /** Days each trail file is locked against deletion and overwrite. @default 365 */
  retentionDays: bucketDays.default(365),
});

const cloudtrail = z.strictObject({
  /** Create the multi-region trail (false where the organisation's trail already covers the account). @default true */
  create: z.boolean().default(true),
  /** Days the trail's CloudWatch log group keeps events; at least 365. @default 365 */
  retentionDays: retentionDays.default(MIN_TRAIL_RETENTION_DAYS),
  /** Days trail files are kept in S3, the long-term record. @default 2557 (seven years) */
  bucketRetentionDays: bucketDays.default(2557),
  objectLock: objectLock.prefault({}),
  /** Also record S3 object-level (data) events of the stack's own buckets; billed per event. @default false */
  dataEventsForStackBuckets: z.boolean().default(false),
  /** The organisation's trail that covers the account when create is false; documentation and outputs only. */
  existingTrailArn: trailArn.optional(),
});

const config = z.strictObject({
  /** Create the account's configuration recorder in this region. @default true */
  createRecorder: z.boolean().default(true),
  /** Create the region's delivery channel (to the stack's bucket, or existingBucketName). @default true */
  createDeliveryChannel: z.boolean().default(true),
  /**
   * Create the AWSServiceRoleForConfig service-linked role the recorder uses; false when the account already
   * has it (Config once set up in the console, by Security Hub or Control Tower). @default true
   */
  createServiceLinkedRole: z.boolean().default(true),
  /** This region records global resource types (IAM); false in the account's other regions. @default true */
  homeRegion: z.boolean().default(true),
  /** The managed rules this stack should satisfy (docs/audit.md). @default true */
  rules: z.boolean().default(true),
  /** How often a full configuration snapshot is delivered. @default "TwentyFour_Hours" */
  snapshotFrequency: z.enum(SNAPSHOT_FREQUENCIES).default("TwentyFour_Hours"),
  /** Days snapshots and history files are kept in the stack's Config bucket. @default 2557 (seven years) */
  bucketRetentionDays: bucketDays.default(2557),
  /** Deliver to this existing (central) bucket instead of creating one; its policy must admit Config. */
  existingBucketName: bucketName.optional(),
});

const auditFields = z.strictObject({
  cloudtrail: cloudtrail.prefault({}),
  config: config.prefault({}),
  /** Days the server access logs of the audit buckets are kept. @default 365 */
  accessLogRetentionDays: bucketDays.default(365),
  /** Topic the CIS alarms notify instead of the monitoring module's. @default the monitoring topic */
  alarmTopicArn: topicArn.optional(),
});

export const audit = auditFields.superRefine(auditChecks);
export type AuditConfig = z.output<typeof audit>;

/** Checks across the audit section's fields: they run once the fields themselves are valid. */
function auditChecks(value: z.output<typeof auditFields>, ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  checkTrail(value.cloudtrail, add);
  checkConfig(value.config, add);
}

function checkTrail(trail: AuditConfig["cloudtrail"], add: AddIssue): void {
  const at = (...path: string[]) => ["cloudtrail", ...path];
  if (trail.retentionDays < MIN_TRAIL_RETENTION_DAYS) {
    add(
      at("retentionDays"),
      `expected at least ${MIN_TRAIL_RETENTION_DAYS} days (a year of searchable audit events), got ${trail.retentionDays}`,
    );
  }
  if (trail.bucketRetentionDays < trail.retentionDays) {
    add(
      at("bucketRetentionDays"),
      `expected at least cloudtrail.retentionDays (${trail.retentionDays}): the S3 copy is the long-term record; got ${trail.bucketRetentionDays}`,
    );
  }
  const lock = trail.objectLock;
  if (lock.enabled && lock.retentionDays > trail.bucketRetentionDays) {
    add(
      at("objectLock", "retentionDays"),
      `expected at most cloudtrail.bucketRetentionDays (${trail.bucketRetentionDays}), or files outlive their expiry locked; got ${lock.retentionDays}`,
    );
  }
  if (trail.create) {
    if (trail.existingTrailArn) {
      add(
        at("existingTrailArn"),
        "expected no existing trail when cloudtrail.create is true (the stack creates its own), got one",
      );
    }
    return;
  }
  if (lock.enabled) {
    add(
      at("objectLock", "enabled"),
      "expected false when cloudtrail.create is false (there is no trail bucket to lock), got true",
    );
  }
  if (trail.dataEventsForStackBuckets) {
    add(
      at("dataEventsForStackBuckets"),
      "expected false when cloudtrail.create is false (the organisation's trail decides), got true",
    );
  }
}

function checkConfig(cfg: AuditConfig["config"], add: AddIssue): void {
  if (cfg.createServiceLinkedRole && !cfg.createRecorder) {
    add(
      ["config", "createServiceLinkedRole"],
      "expected false when config.createRecorder is false (only the recorder uses the role), got true",
    );
  }
  if (cfg.existingBucketName && !cfg.createDeliveryChannel) {
    add(
      ["config", "existingBucketName"],
      "expected no bucket when config.createDeliveryChannel is false (nothing would deliver to it), got one",
    );
  }
}
