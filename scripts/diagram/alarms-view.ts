import type { Body, Resource, Stack } from "../lib/stack-json";
import { deployActionFor } from "./delivery-view";
import type { Diagram } from "./model";

export const MONITORING_CLUSTER = "monitoring";

/** Alarms grouped by the module that defines them, the topic they notify, and the rollbacks they drive. */
export function addAlarms(d: Diagram, stack: Stack): void {
  const topics = stack.all("aws_sns_topic");
  const alarms = stack.all("aws_cloudwatch_metric_alarm");
  if (topics.length + alarms.length === 0) return;
  d.cluster(MONITORING_CLUSTER, "monitoring");
  for (const topic of topics) {
    const subscriptions = stack.referencing(topic, "aws_sns_topic_subscription").map((s) => s.body.protocol);
    const to = subscriptions.length > 0 ? `→ ${subscriptions.join(", ")}` : "no subscription in the stack";
    d.node(
      topic.address,
      "topic",
      [`SNS ${topic.body.name}`, `${topic.body.kms_master_key_id ? "KMS, " : ""}${to}`],
      MONITORING_CLUSTER,
    );
  }
  const groups = new Map<string, Resource[]>();
  for (const alarm of alarms) {
    const module = alarm.name.split("_")[0];
    groups.set(module, [...(groups.get(module) ?? []), alarm]);
  }
  for (const [module, members] of groups) {
    const namespaces = new Map<string, number>();
    for (const a of members) {
      const ns = String(a.body.namespace ?? "metric math");
      namespaces.set(ns, (namespaces.get(ns) ?? 0) + 1);
    }
    const id = d.node(
      `alarms:${module}`,
      "alarm",
      [`${module} alarms ×${members.length}`, ...[...namespaces].map(([ns, n]) => `${ns} ×${n}`)],
      MONITORING_CLUSTER,
    );
    for (const topic of new Set(
      members.flatMap((a) =>
        (a.body.alarm_actions ?? []).map((arn: string) => stack.named("aws_sns_topic", arn)),
      ),
    )) {
      if (topic) d.edge(id, topic.address, "control", "ALARM");
    }
  }
  addRollbacks(d, stack, alarms);
  addEventSources(d, stack);
  for (const dashboard of stack.all("aws_cloudwatch_dashboard")) {
    d.node(dashboard.address, "alarm", [`dashboard ${dashboard.body.dashboard_name}`], MONITORING_CLUSTER);
  }
}

/** Rolling: the service's own alarms block; blue/green: the CodeDeploy group's alarm configuration. */
function addRollbacks(d: Diagram, stack: Stack, alarms: Resource[]): void {
  // Alarms are named by reference (`${aws_cloudwatch_metric_alarm.x.alarm_name}`), or by a literal name.
  const groupOf = (name: string) =>
    (
      stack.named("aws_cloudwatch_metric_alarm", name, "alarm_name") ??
      alarms.find((a) => a.body.alarm_name === name)
    )?.name.split("_")[0];
  for (const service of stack.all("aws_ecs_service")) {
    const names: string[] = service.body.alarms?.alarm_names ?? [];
    for (const module of new Set(names.map(groupOf))) {
      if (module) d.edge(`alarms:${module}`, service.address, "control", `roll back (${names.length})`);
    }
  }
  for (const group of stack.all("aws_codedeploy_deployment_group")) {
    const names: string[] = group.body.alarm_configuration?.alarms ?? [];
    const action = deployActionFor(stack, group);
    for (const module of new Set(names.map(groupOf))) {
      if (module && action)
        d.edge(`alarms:${module}`, action, "control", `stop and roll back (${names.length})`);
    }
  }
}

/** Other things that publish to a topic: EventBridge rules, pipeline notifications, manual approvals. */
function addEventSources(d: Diagram, stack: Stack): void {
  for (const target of stack.all("aws_cloudwatch_event_target")) {
    const topic = stack.named("aws_sns_topic", target.body.arn);
    for (const rule of stack.referenced(target.body.rule, "aws_cloudwatch_event_rule")) {
      d.node(rule.address, "alarm", [`EventBridge ${rule.body.name}`], MONITORING_CLUSTER);
      if (topic) d.edge(rule.address, topic.address, "control", "events");
    }
  }
  for (const rule of stack.all("aws_codestarnotifications_notification_rule")) {
    const topic = stack.named("aws_sns_topic", rule.body.target?.[0]?.address);
    const [pipeline] = stack.referenced(rule.body.resource, "aws_codepipeline");
    const actions = pipeline ? [...d.nodes.keys()].filter((k) => k.startsWith(`${pipeline.address}/`)) : [];
    if (topic && actions.length > 0)
      d.edge(actions[actions.length - 1], topic.address, "control", "pipeline events");
  }
  for (const pipeline of stack.all("aws_codepipeline")) {
    for (const action of (pipeline.body.stage ?? []).flatMap((s: { action?: Body[] }) => s.action ?? [])) {
      const topic = stack.named("aws_sns_topic", action.configuration?.NotificationArn);
      if (topic) d.edge(`${pipeline.address}/${action.name}`, topic.address, "control", "approval needed");
    }
  }
}
