import { Construct } from "constructs";
import { AccessLogBucket, type AccessLogSource } from "../../constructs/access-log-bucket";
import type { StackContext } from "../../constructs/context";
import { type KeyGrant, KmsKey } from "../../constructs/kms-key";
import { logsKeyGrant } from "../../constructs/log-group";
import { SecureBucket } from "../../constructs/secure-bucket";
import { CisAlarms } from "./cis-alarms";
import { CloudTrail, cloudTrailKeyGrants, TRAIL_ACCESS_LOG_PREFIX, trailIdentity } from "./cloudtrail";
import { CONFIG_ACCESS_LOG_PREFIX, ConfigRecorder, configKeyGrant } from "./config-recorder";
import { ConfigRules } from "./config-rules";

/** The `audit:` section of the environment's config, as the schema (config/schema/audit.ts) delivers it. */
export interface AuditSettings {
  readonly cloudtrail: {
    /** Create the trail, its buckets, key, log group and CIS alarms. */
    readonly create: boolean;
    /** Days the CloudWatch log group keeps events (at least 365). */
    readonly retentionDays: number;
    /** Days trail files are kept in S3. */
    readonly bucketRetentionDays: number;
    /** Governance-mode Object Lock on the trail bucket. */
    readonly objectLock: { readonly enabled: boolean; readonly retentionDays: number };
    /** Record S3 data events of dataEventBucketArns and the stack's Config bucket. */
    readonly dataEventsForStackBuckets: boolean;
    /** The organisation's trail, when create is false; exposed as trailArn. @default none */
    readonly existingTrailArn?: string;
  };
  readonly config: {
    readonly createRecorder: boolean;
    readonly createDeliveryChannel: boolean;
    readonly createServiceLinkedRole: boolean;
    /** Record global resource types (IAM) in this region. */
    readonly homeRegion: boolean;
    /** Deploy the managed rules (with or without the stack's recorder). */
    readonly rules: boolean;
    readonly snapshotFrequency: string;
    readonly bucketRetentionDays: number;
    /** Deliver to this existing bucket instead of the stack's own. @default the stack's bucket */
    readonly existingBucketName?: string;
  };
  /** Days the audit buckets' server access logs are kept. */
  readonly accessLogRetentionDays: number;
}

export interface AuditProps {
  readonly context: StackContext;
  readonly settings: AuditSettings;
  /** Topic the CIS alarms notify: audit.alarmTopicArn, else the monitoring module's topic. */
  readonly alarmTopicArn: string;
  /**
   * The stack's buckets whose object-level events the trail records when
   * cloudtrail.dataEventsForStackBuckets is true (the Config bucket is added here). @default none
   */
  readonly dataEventBucketArns?: string[];
}

/**
 * The account-level audit: a multi-region CloudTrail trail (S3 + CloudWatch Logs, CIS metric filters and
 * alarms), AWS Config (recorder, delivery channel, managed rules), a KMS key for both, and a bucket for the
 * audit buckets' server access logs. Each part can be left to the organisation.
 */
export class Audit extends Construct {
  /** The stack's trail, or the organisation's (existingTrailArn); none if neither. */
  readonly trailArn?: string;
  readonly trailName?: string;
  readonly trailBucketName?: string;
  /** The trail's CloudWatch log group. */
  readonly logGroupName?: string;
  readonly recorderName?: string;
  /** The bucket Config delivers to: the stack's own or existingBucketName. */
  readonly configBucketName?: string;
  readonly accessLogBucketName?: string;
  /** The audit key (trail files, the log group, the Config bucket). */
  readonly kmsKeyArn?: string;
  readonly cisAlarmNames: string[] = [];
  readonly ruleNames: string[] = [];

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    const ctx = props.context;
    const { cloudtrail, config } = props.settings;
    const trail = cloudtrail.create ? trailIdentity(ctx) : undefined;
    const configBucket = config.createDeliveryChannel && !config.existingBucketName;
    // The key's policy names the buckets it encrypts: they use the key, so a reference would be a cycle.
    const configBucketArn = configBucket ? SecureBucket.arnOf(ctx, "config") : undefined;

    let key: KmsKey | undefined;
    if (trail || configBucketArn) {
      const grants: KeyGrant[] = [];
      if (trail) grants.push(...cloudTrailKeyGrants(trail), logsKeyGrant(ctx, [trail.logGroupName]));
      if (configBucketArn) grants.push(configKeyGrant(ctx, configBucketArn));
      key = new KmsKey(this, "key", {
        context: ctx,
        purpose: "audit",
        description: `CloudTrail and AWS Config records of ${ctx.naming.prefix}`,
        grants,
      });
      this.kmsKeyArn = key.arn;
    }

    // Config first: the trail's data events name its bucket.
    const recorder = new ConfigRecorder(this, "config", {
      context: ctx,
      createRecorder: config.createRecorder,
      createDeliveryChannel: config.createDeliveryChannel,
      createServiceLinkedRole: config.createServiceLinkedRole,
      homeRegion: config.homeRegion,
      snapshotFrequency: config.snapshotFrequency,
      bucketRetentionDays: config.bucketRetentionDays,
      existingBucketName: config.existingBucketName,
      kmsKeyArn: key?.arn,
    });
    this.recorderName = recorder.recorder?.name;
    this.configBucketName = recorder.bucket?.name ?? config.existingBucketName;

    let created: CloudTrail | undefined;
    if (trail && key) {
      const dataEvents = cloudtrail.dataEventsForStackBuckets
        ? [...(props.dataEventBucketArns ?? []), ...(recorder.bucket ? [recorder.bucket.arn] : [])]
        : [];
      if (cloudtrail.dataEventsForStackBuckets && dataEvents.length === 0) {
        throw new Error(
          "Audit: cloudtrail.dataEventsForStackBuckets is true, but the stack passed no bucket and has no Config bucket of its own",
        );
      }
      created = new CloudTrail(this, "cloudtrail", {
        context: ctx,
        identity: trail,
        kmsKeyArn: key.arn,
        retentionDays: cloudtrail.retentionDays,
        bucketRetentionDays: cloudtrail.bucketRetentionDays,
        objectLock: cloudtrail.objectLock,
        dataEventBucketArns: dataEvents,
      });
      this.trailArn = created.trail.arn;
      this.trailName = trail.name;
      this.trailBucketName = created.bucket.name;
      this.logGroupName = created.logGroup.name;
      const alarms = new CisAlarms(this, "cis", {
        context: ctx,
        logGroupName: created.logGroup.logGroup.name,
        alarmTopicArn: props.alarmTopicArn,
      });
      this.cisAlarmNames.push(...alarms.alarmNames);
    } else {
      this.trailArn = cloudtrail.existingTrailArn;
    }

    // Who read or deleted audit files: the access-log bucket's policy admits the audit buckets by reference.
    const sources = [
      created && { bucket: created.bucket, prefix: TRAIL_ACCESS_LOG_PREFIX },
      recorder.bucket && { bucket: recorder.bucket, prefix: CONFIG_ACCESS_LOG_PREFIX },
    ].filter((s): s is AccessLogSource => s !== undefined);
    if (sources.length > 0) {
      const accessLogs = new AccessLogBucket(this, "access-logs", {
        context: ctx,
        purpose: "audit-access-logs",
        expireAfterDays: props.settings.accessLogRetentionDays,
        sources,
      });
      this.accessLogBucketName = accessLogs.name;
    }
    if (config.rules) {
      const rules = new ConfigRules(this, "rules", { context: ctx, dependsOn: recorder.ready });
      this.ruleNames.push(...rules.ruleNames);
    }
  }
}
