import { configFromText, loadConfig, ref, resourcesOf, type StackJson, synthConfig } from "./support/synth";

/**
 * A CLOUDFRONT-scope web ACL reports its metrics in us-east-1 only, and a CloudWatch alarm can notify only
 * an SNS topic in its own region: the alarm and the topic it notifies live in us-east-1.
 */
const alarmNamed = (json: StackJson, suffix: string) =>
  resourcesOf(json, "aws_cloudwatch_metric_alarm").find(([, a]) => a.alarm_name.endsWith(suffix))!;

describe("the CloudFront web ACL's alarm (prod, eu-west-1)", () => {
  let json: StackJson;
  beforeAll(() => {
    json = synthConfig(loadConfig("config/prod.yaml"));
  });

  it("is created in us-east-1, where the CLOUDFRONT-scope metrics exist, without a Region dimension", () => {
    const [, alarm] = alarmNamed(json, "waf-blocked-spike");
    expect(alarm.provider).toBe("aws.us_east_1");
    expect(json.provider.aws.find((p) => p.alias === "us_east_1")?.region).toBe("us-east-1");
    const [[acl, body]] = resourcesOf(json, "aws_wafv2_web_acl").filter(([n]) => n.startsWith("edge_"));
    expect(body.scope).toBe("CLOUDFRONT");
    expect(alarm.dimensions).toEqual({ WebACL: ref("aws_wafv2_web_acl", acl, "name"), Rule: "ALL" });
  });

  it("notifies a us-east-1 topic, encrypted with a us-east-1 key, with the same subscriptions", () => {
    const [, alarm] = alarmNamed(json, "waf-blocked-spike");
    const [[topicName, topic]] = resourcesOf(json, "aws_sns_topic").filter(([n]) => n.includes("us-east-1"));
    expect(alarm.alarm_actions).toEqual([ref("aws_sns_topic", topicName, "arn")]);
    expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
    expect(topic.provider).toBe("aws.us_east_1");
    const keyName = (topic.kms_master_key_id as string).split(".")[1];
    expect(json.resource.aws_kms_key[keyName].provider).toBe("aws.us_east_1");
    const subscriptions = resourcesOf(json, "aws_sns_topic_subscription")
      .filter(([, s]) => s.topic_arn === ref("aws_sns_topic", topicName, "arn"))
      .map(([, s]) => [s.protocol, s.endpoint, s.provider]);
    expect(subscriptions).toEqual([["email", "oncall@example.com", "aws.us_east_1"]]);
  });

  it("leaves every other alarm in the stack's region, on the stack's topic", () => {
    const others = resourcesOf(json, "aws_cloudwatch_metric_alarm").filter(
      ([, a]) => !a.alarm_name.endsWith("waf-blocked-spike"),
    );
    for (const [, a] of others) expect(a.provider).toBeUndefined();
  });
});

describe("a REGIONAL web ACL's alarm (dev)", () => {
  it("stays in the stack's region with the Region dimension", () => {
    const json = synthConfig(loadConfig("config/dev.yaml"));
    const [, alarm] = alarmNamed(json, "waf-blocked-spike");
    expect(alarm.provider).toBeUndefined();
    expect(alarm.dimensions.Region).toBe("eu-west-1");
    expect(resourcesOf(json, "aws_sns_topic")).toHaveLength(1);
  });
});

describe("an existing topic with a CloudFront web ACL", () => {
  const config = (topic: string, subscriptions = "") => `
account: "123456789012"
region: eu-west-1
network: { cidr: 10.0.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }
loadBalancer: { domain: { name: www.example.com, hostedZoneId: Z0EXAMPLE0000000000000 } }
edge: { mode: cloudfront-public-alb }
service: { images: { tag: "1" } }
monitoring: { alarmTopicArn: "${topic}"${subscriptions} }
`;

  it("notifies it directly when it is in us-east-1", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:org-oncall";
    const json = synthConfig(configFromText(config(topic)));
    expect(resourcesOf(json, "aws_sns_topic")).toEqual([]);
    expect(alarmNamed(json, "waf-blocked-spike")[1]).toMatchObject({
      provider: "aws.us_east_1",
      alarm_actions: [topic],
    });
  });

  it("refuses one in another region with no subscriptions for a us-east-1 copy, naming the field", () => {
    expect(() =>
      synthConfig(configFromText(config("arn:aws:sns:eu-west-1:123456789012:org-oncall"))),
    ).toThrow(/^monitoring\.subscriptions: expected at least one subscription .* us-east-1 .* got none$/);
  });
});
