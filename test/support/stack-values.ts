/**
 * The values a synthesized stack's references take once applied: the names its resources are given and
 * the ARNs AWS gives them, for simulated requests and for assertions on what AWS will see.
 */

type Resources = { resource: Record<string, Record<string, Record<string, any>>> };

/** The ARN AWS gives a resource of the stack, from its synthesized body (names known at plan time). */
type ArnRule = (body: Record<string, any>, name: string, at: { account: string; region: string }) => string;
const ARNS: Record<string, ArnRule> = {
  aws_s3_bucket: (b) => `arn:aws:s3:::${b.bucket}`,
  aws_cloudwatch_log_group: (b, _, at) => `arn:aws:logs:${at.region}:${at.account}:log-group:${b.name}`,
  aws_ecr_repository: (b, _, at) => `arn:aws:ecr:${at.region}:${at.account}:repository/${b.name}`,
  aws_iam_role: (b, _, at) => `arn:aws:iam::${at.account}:role/${b.name}`,
  aws_sns_topic: (b, _, at) => `arn:aws:sns:${at.region}:${at.account}:${b.name}`,
  aws_cloudwatch_metric_alarm: (b, _, at) =>
    `arn:aws:cloudwatch:${at.region}:${at.account}:alarm:${b.alarm_name}`,
  aws_ecs_cluster: (b, _, at) => `arn:aws:ecs:${at.region}:${at.account}:cluster/${b.name}`,
  aws_codebuild_project: (b, _, at) => `arn:aws:codebuild:${at.region}:${at.account}:project/${b.name}`,
  aws_codepipeline: (b, _, at) => `arn:aws:codepipeline:${at.region}:${at.account}:${b.name}`,
  aws_codedeploy_app: (b, _, at) => `arn:aws:codedeploy:${at.region}:${at.account}:application:${b.name}`,
  aws_codedeploy_deployment_group: (b, _, at) =>
    `arn:aws:codedeploy:${at.region}:${at.account}:deploymentgroup:${b.app_name}/${b.deployment_group_name}`,
  // Ids AWS generates: stand-ins made from the logical name, one per resource.
  aws_kms_key: (_, name, at) => `arn:aws:kms:${at.region}:${at.account}:key/${name}`,
  aws_codestarconnections_connection: (_, name, at) =>
    `arn:aws:codestar-connections:${at.region}:${at.account}:connection/${name}`,
  aws_lb_listener: (_, name, at) =>
    `arn:aws:elasticloadbalancing:${at.region}:${at.account}:listener/app/alb/0/${name}`,
  aws_lb_listener_rule: (_, name, at) =>
    `arn:aws:elasticloadbalancing:${at.region}:${at.account}:listener-rule/app/alb/0/1/${name}`,
  aws_ecs_task_definition: (b, _, at) =>
    `arn:aws:ecs:${at.region}:${at.account}:task-definition/${b.family}:1`,
};

/**
 * Substitutions for the interpolations a synthesized stack's policies hold: the names its resources are
 * given (`${aws_s3_bucket.x.bucket}`) and the ARNs AWS will give them (`${aws_s3_bucket.x.arn}`).
 * Resources outside this list get no substitution, so `simulate` still fails loudly on them.
 */
export function stackSubstitutions(
  json: Resources,
  at: { account: string; region: string },
): (expression: string) => string | undefined {
  const resolve = (expression: string): string | undefined => {
    const [type, name, attr] = expression.split(".");
    const body = json.resource[type]?.[name];
    if (!body || attr === undefined) return undefined;
    const literal = Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? resolveText(v, resolve) : v]),
    );
    // A resource of the us-east-1 provider alias lives in us-east-1 (CloudFront-scope pieces).
    const where = String(body.provider ?? "").endsWith("us_east_1") ? { ...at, region: "us-east-1" } : at;
    if (attr === "arn") return ARNS[type]?.(literal, name, where);
    const value = literal[attr];
    return typeof value === "string" && !value.includes("${") ? value : undefined;
  };
  return resolve;
}

/** The text with each `${…}` replaced by its substitution (left as it is when there is none). */
export function resolveText(text: string, substitutions: (expression: string) => string | undefined): string {
  return text.replace(/(?<!\$)\$\{([^}]*)\}/g, (match, expr: string) => substitutions(expr) ?? match);
}

/**
 * A function that returns any value (string, array, object) with the stack's references replaced by what
 * they resolve to, for assertions on the names and ARNs AWS will see.
 */
export function resolverFor(json: Resources, at: { account: string; region: string }): <T>(value: T) => T {
  const substitutions = stackSubstitutions(json, at);
  const deep = (value: unknown): unknown => {
    if (typeof value === "string") return resolveText(value, substitutions);
    if (Array.isArray(value)) return value.map(deep);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]));
    }
    return value;
  };
  return <T>(value: T) => deep(value) as T;
}
