import { TerraformOutput } from "cdktf";
import type { DeliveryPipeline } from "../modules/pipeline/pipeline";
import type { EnvironmentStack } from "./environment-stack";

/** The environment's outputs: what a person or a script needs after an apply. */
export function addEnvironmentOutputs(stack: EnvironmentStack): void {
  const output = (name: string, value: unknown, description: string) =>
    new TerraformOutput(stack, name, { value, description });
  const distribution = stack.edge.distribution;
  output(
    "url",
    distribution ? `https://${distribution.aliasName}` : stack.loadBalancer.url,
    "URL of the service",
  );
  if (distribution) {
    output("cloudfront_domain_name", distribution.domainName, "The distribution's own DNS name");
    output("origin_url", stack.loadBalancer.url, "Where CloudFront reaches the load balancer");
  }
  if (stack.edge.webAcl) output("web_acl_arn", stack.edge.webAcl.arn, "WAF web ACL in front of the service");
  output("alb_dns_name", stack.loadBalancer.dnsName, "DNS name of the load balancer");
  // Every service's values are a map keyed by the service's name.
  const byService = <T>(value: (name: string) => T) =>
    Object.fromEntries(Object.keys(stack.services).map((name) => [name, value(name)]));
  output(
    "cluster_name",
    byService((n) => stack.services[n].clusterName),
    "ECS cluster, by service",
  );
  output(
    "service_name",
    byService((n) => stack.services[n].serviceName),
    "ECS service, by service",
  );
  output(
    "log_group_names",
    byService((n) => stack.services[n].logGroupNames),
    "Container log groups, by service and container",
  );
  output(
    "repository_urls",
    byService((n) => stack.services[n].repositoryUrls),
    "ECR repositories the stack created, by service and container",
  );
  output("alarm_topic_arn", stack.monitoring.topicArn, "SNS topic every alarm and deployment event notifies");
  output(
    "rollback_alarm_names",
    stack.monitoring.rollbackAlarmNames,
    "Alarms that roll a deployment back, by service",
  );
  output("dashboard_name", stack.monitoring.dashboardName, "CloudWatch dashboard");
  if (stack.audit.trailArn)
    output("trail_arn", stack.audit.trailArn, "CloudTrail trail recording the account");
  if (stack.audit.configBucketName)
    output("config_bucket_name", stack.audit.configBucketName, "Bucket AWS Config delivers to");
  const pipelines = Object.entries(stack.pipelines);
  if (pipelines.length > 0) {
    const byPipeline = <T>(value: (p: DeliveryPipeline) => T) =>
      Object.fromEntries(pipelines.map(([name, p]) => [name, value(p)]));
    output(
      "pipeline_name",
      byPipeline((p) => p.pipelineName),
      "CodePipeline that builds and deploys each service",
    );
    output(
      "connection_arn",
      byPipeline((p) => p.connectionArn),
      "CodeConnections connection to each service's repository",
    );
    const created = pipelines.filter(([, p]) => p.connectionStatus);
    if (created.length > 0) {
      output(
        "connection_status",
        Object.fromEntries(created.map(([name, p]) => [name, p.connectionStatus])),
        "PENDING until approved once in the console, by service",
      );
    }
  }
  output("vpc_id", stack.network.vpcId, "VPC id");
  output(
    "public_subnet_ids",
    stack.network.publicSubnetIds,
    "Public subnet ids, in the order of network.availabilityZones",
  );
  output(
    "private_subnet_ids",
    stack.network.privateSubnetIds,
    "Private subnet ids, in the order of network.availabilityZones",
  );
}
