import type { Body, Stack } from "../lib/stack-json";
import { retention } from "./labels";
import type { Diagram } from "./model";
import { VPC_CLUSTER } from "./network-view";

export const LOGS_CLUSTER = "logs";
const AUDIT_CLUSTER = "audit";

/** Where logs land: every log group and bucket, with its retention. Drawn before anything writes to them. */
export function addLogStores(d: Diagram, stack: Stack): void {
  d.cluster(LOGS_CLUSTER, "logs and records");
  for (const group of stack.all("aws_cloudwatch_log_group")) {
    const b = group.body;
    const where = b.provider === "aws.us_east_1" ? ", us-east-1" : "";
    d.node(
      group.address,
      "logs",
      [`log group ${b.name}`, `${retention(b.retention_in_days)}${b.kms_key_id ? ", KMS" : ""}${where}`],
      LOGS_CLUSTER,
    );
  }
  for (const bucket of stack.all("aws_s3_bucket")) {
    const [lifecycle] = stack.referencing(bucket, "aws_s3_bucket_lifecycle_configuration");
    const days = lifecycle?.body.rule?.find((r: Body) => r.expiration?.[0]?.days)?.expiration[0].days;
    const lock =
      stack.referencing(bucket, "aws_s3_bucket_object_lock_configuration").length > 0 ? ", Object Lock" : "";
    d.node(
      bucket.address,
      "bucket",
      [`S3 ${bucket.body.bucket}`, `expires after ${retention(days)}${lock}`],
      LOGS_CLUSTER,
    );
  }
}

/** What writes to which store. */
export function addLogFlows(d: Diagram, stack: Stack): void {
  for (const flow of stack.all("aws_flow_log")) {
    const id = d.node(
      flow.address,
      "network",
      ["VPC flow logs", `${flow.body.traffic_type} traffic`],
      VPC_CLUSTER,
    );
    const target =
      stack.referenced(flow.body.log_destination, "aws_cloudwatch_log_group")[0] ??
      stack.named("aws_s3_bucket", flow.body.log_destination, "bucket");
    if (target) d.edge(id, target.address, "log", flow.body.log_destination_type);
  }
  for (const alb of stack.all("aws_lb")) {
    const kinds = ["access_logs", "connection_logs"].filter((k) => alb.body[k]?.enabled);
    const bucket = stack.named("aws_s3_bucket", alb.body.access_logs?.bucket, "bucket");
    if (bucket) d.edge(alb.address, bucket.address, "log", kinds.map((k) => k.replace("_", " ")).join(" + "));
  }
  for (const logging of stack.all("aws_wafv2_web_acl_logging_configuration")) {
    for (const acl of stack.referenced(logging.body.resource_arn, "aws_wafv2_web_acl")) {
      for (const group of stack.referenced(logging.body.log_destination_configs))
        d.edge(
          acl.address,
          group.address,
          "log",
          logging.body.logging_filter ? "blocked + counted requests" : "every request",
        );
    }
  }
  for (const delivery of stack.all("aws_cloudwatch_log_delivery")) {
    const sources = stack.referenced(
      delivery.body.delivery_source_name,
      "aws_cloudwatch_log_delivery_source",
    );
    const destinations = stack.referenced(
      delivery.body.delivery_destination_arn,
      "aws_cloudwatch_log_delivery_destination",
    );
    for (const from of sources.flatMap((s) => stack.referenced(s.body.resource_arn))) {
      for (const to of destinations.flatMap((x) =>
        stack.referenced(x.body.delivery_destination_configuration),
      ))
        d.edge(from.address, to.address, "log", "standard logs v2");
    }
  }
  for (const logging of stack.all("aws_s3_bucket_logging")) {
    for (const from of stack.referenced(logging.body.bucket, "aws_s3_bucket")) {
      for (const to of stack.referenced(logging.body.target_bucket, "aws_s3_bucket"))
        d.edge(from.address, to.address, "log", "server access logs");
    }
  }
  addAudit(d, stack);
}

/** CloudTrail and AWS Config, when this stack creates them. */
function addAudit(d: Diagram, stack: Stack): void {
  const trails = stack.all("aws_cloudtrail");
  const recorders = stack.all("aws_config_configuration_recorder");
  const rules = stack.all("aws_config_config_rule");
  if (trails.length + recorders.length + rules.length === 0) return;
  d.cluster(AUDIT_CLUSTER, "audit (account)");
  for (const trail of trails) {
    const b = trail.body;
    d.node(
      trail.address,
      "pipeline",
      [
        `CloudTrail ${b.name}`,
        `${b.is_multi_region_trail ? "every region" : "this region"}, management events`,
      ],
      AUDIT_CLUSTER,
    );
    for (const to of stack.referenced([b.s3_bucket_name, b.cloud_watch_logs_group_arn]))
      d.edge(trail.address, to.address, "log", "events");
  }
  for (const recorder of recorders) {
    d.node(
      recorder.address,
      "pipeline",
      [`Config recorder ${recorder.body.name}`, "all supported resource types"],
      AUDIT_CLUSTER,
    );
    for (const channel of stack.all("aws_config_delivery_channel")) {
      for (const bucket of stack.referenced(channel.body.s3_bucket_name, "aws_s3_bucket"))
        d.edge(recorder.address, bucket.address, "log", "history + snapshots");
    }
  }
  if (rules.length > 0)
    d.node(
      "config:rules",
      "alarm",
      [
        `Config rules ×${rules.length}`,
        recorders.length > 0 ? "on this recorder" : "on the organisation's recorder",
      ],
      AUDIT_CLUSTER,
    );
}
