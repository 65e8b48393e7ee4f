import { audit } from "../config/schema/audit";
import type { AuditInput } from "./fixtures/audit/audit-stack";

/** The issues of an audit section, one `path: message` line each. */
function problems(input: AuditInput): string[] {
  const result = audit.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("the audit section of the config", () => {
  it("defaults to a trail with a year in CloudWatch and seven years in S3, and Config with its rules", () => {
    expect(audit.parse({})).toEqual({
      cloudtrail: {
        create: true,
        retentionDays: 365,
        bucketRetentionDays: 2557,
        objectLock: { enabled: false, retentionDays: 365 },
        dataEventsForStackBuckets: false,
      },
      config: {
        createRecorder: true,
        createDeliveryChannel: true,
        createServiceLinkedRole: true,
        homeRegion: true,
        rules: true,
        snapshotFrequency: "TwentyFour_Hours",
        bucketRetentionDays: 2557,
      },
      accessLogRetentionDays: 365,
    });
  });

  it.each<[string, AuditInput, string]>([
    [
      "a trail log group kept less than a year",
      { cloudtrail: { retentionDays: 90 } },
      "cloudtrail.retentionDays: expected at least 365 days (a year of searchable audit events), got 90",
    ],
    [
      "a retention CloudWatch does not offer",
      { cloudtrail: { retentionDays: 500 } },
      "cloudtrail.retentionDays: expected a CloudWatch Logs retention period",
    ],
    [
      "an S3 copy kept shorter than the log group",
      { cloudtrail: { retentionDays: 731, bucketRetentionDays: 400 } },
      "cloudtrail.bucketRetentionDays: expected at least cloudtrail.retentionDays (731)",
    ],
    [
      "Object Lock without a trail",
      { cloudtrail: { create: false, objectLock: { enabled: true } } },
      "cloudtrail.objectLock.enabled: expected false when cloudtrail.create is false",
    ],
    [
      "a lock longer than the files live",
      { cloudtrail: { bucketRetentionDays: 400, objectLock: { enabled: true, retentionDays: 500 } } },
      "cloudtrail.objectLock.retentionDays: expected at most cloudtrail.bucketRetentionDays (400)",
    ],
    [
      "data events without a trail",
      { cloudtrail: { create: false, dataEventsForStackBuckets: true } },
      "cloudtrail.dataEventsForStackBuckets: expected false when cloudtrail.create is false",
    ],
    [
      "an existing trail beside the stack's own",
      { cloudtrail: { existingTrailArn: "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org" } },
      "cloudtrail.existingTrailArn: expected no existing trail when cloudtrail.create is true",
    ],
    [
      "a service-linked role without a recorder",
      { config: { createRecorder: false } },
      "config.createServiceLinkedRole: expected false when config.createRecorder is false",
    ],
    [
      "a bucket without a delivery channel",
      { config: { createDeliveryChannel: false, existingBucketName: "org-config" } },
      "config.existingBucketName: expected no bucket when config.createDeliveryChannel is false",
    ],
    [
      "an unknown snapshot frequency",
      { config: { snapshotFrequency: "Daily" as never } },
      "config.snapshotFrequency",
    ],
    [
      "a topic that is not an SNS ARN",
      { alarmTopicArn: "alarms" },
      "alarmTopicArn: expected an SNS topic ARN",
    ],
    ["an unknown key", { cloudtrail: { insights: true } as never }, "cloudtrail: "],
  ])("refuses %s", (_, input, message) => {
    expect(problems(input).join("\n")).toContain(message);
  });

  it("accepts an organisation that runs the trail and the recorder centrally", () => {
    const input: AuditInput = {
      cloudtrail: { create: false, existingTrailArn: "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org" },
      config: { createRecorder: false, createDeliveryChannel: false, createServiceLinkedRole: false },
    };
    expect(problems(input)).toEqual([]);
  });
});
