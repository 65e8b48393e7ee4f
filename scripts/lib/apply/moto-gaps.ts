/**
 * What moto 5.2.1 cannot do for these stacks: the resource types the apply tier leaves out, and the
 * attributes moto reads back differently from what was sent. Each entry carries moto's own error or the
 * drift as evidence. Anything not listed here fails the tier. A known drift explains a change only when
 * the read-back is moto's default for an ignored parameter (drift.ts). The README's "Apply tier" section
 * lists the same entries for readers.
 */
type Body = Record<string, unknown>;

export interface ExcludedType {
  /** The Terraform resource type. */
  readonly type: string;
  /** Only the resources of the type this picks. @default every resource of the type */
  readonly applies?: (body: Body) => boolean;
  /** Why moto, not the stack, is at fault, in one line. */
  readonly reason: string;
  /** The first error line moto's answer produced in `terraform apply`. */
  readonly evidence: string;
}

export interface KnownDrift {
  readonly type: string;
  /** Top-level attribute whose read-back differs. */
  readonly attribute: string;
  /** Only the resources this picks, by their planned values. @default every resource of the type */
  readonly applies?: (after: Body) => boolean;
  readonly reason: string;
  /** What the plan after the apply showed. */
  readonly evidence: string;
}

/** An attribute set to another value in the copy, so the resource itself can still be applied. */
export interface Adjustment {
  readonly type: string;
  readonly attribute: string;
  /** The value in the copy, or a function of the synthesized one. */
  readonly value: unknown;
  /** Only the resources this picks. @default every resource of the type */
  readonly applies?: (body: Body) => boolean;
  readonly reason: string;
  readonly evidence: string;
}

export const EXCLUDED_TYPES: readonly ExcludedType[] = [
  {
    type: "aws_cloudfront_vpc_origin",
    reason: "CloudFront VPC origins are not implemented (no route)",
    evidence: "CreateVpcOrigin: StatusCode: 404, error while deserializing xml error response",
  },
  {
    type: "aws_cloudfront_response_headers_policy",
    reason: "CloudFront response headers policies are not implemented (no route)",
    evidence: "CreateResponseHeadersPolicy: StatusCode: 404, error while deserializing xml error response",
  },
  {
    type: "aws_codedeploy_app",
    reason:
      "GetApplication returns createTime as a string; the SDK expects epoch seconds and cannot read it back",
    evidence:
      "GetApplication: deserialization failed, failed to decode response body, expected Timestamp to be a JSON Number, got string instead",
  },
  {
    type: "aws_codestarconnections_connection",
    reason: "moto has no CodeStar Connections backend at all",
    evidence:
      "moto/backends.py get_backend: AttributeError: 'NoneType' object has no attribute 'replace' (HTTP 500)",
  },
  {
    type: "aws_cloudwatch_query_definition",
    reason: "CloudWatch Logs Insights query definitions are not implemented",
    evidence: "NotImplementedError: The put_query_definition action has not been implemented (HTTP 500)",
  },
  {
    type: "aws_appautoscaling_target",
    reason:
      "ListTagsForResource is not implemented; the provider reads tags after create, taints the target, and cannot destroy it",
    evidence: "NotImplementedError: The list_tags_for_resource action has not been implemented (HTTP 500)",
  },
  {
    type: "aws_codebuild_project",
    applies: (body) => (body.source as { type?: string } | undefined)?.type === "CODEPIPELINE",
    reason: "CreateProject demands a source location even for a CODEPIPELINE source, where AWS takes none",
    evidence: "InvalidInputException: Project source location is required (HTTP 400)",
  },
  {
    type: "aws_s3_bucket_logging",
    reason:
      "PutBucketLogging reads the target bucket's policy and calls .get() on every Principal; our TLS-only statement's Principal is the string \"*\"",
    evidence:
      "moto/s3/models.py _log_permissions_enabled_policy: AttributeError: 'str' object has no attribute 'get' (HTTP 500)",
  },
];

export const ADJUSTMENTS: readonly Adjustment[] = [
  {
    type: "aws_cloudtrail",
    attribute: "enable_logging",
    value: false,
    reason: "StartLogging looks the trail up by name; the provider sends the trail's ARN",
    evidence:
      "moto/cloudtrail/models.py start_logging: KeyError: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/fws-minimal-trail' (HTTP 500)",
  },
  {
    type: "aws_ecs_service",
    attribute: "lifecycle",
    applies: (body) =>
      body.enable_execute_command === true &&
      (body.lifecycle as { postcondition?: unknown } | undefined)?.postcondition !== undefined,
    value: (lifecycle: unknown) => ({ ...(lifecycle as Body), postcondition: undefined }),
    reason:
      "CreateService never stores enableExecuteCommand, so a CODE_DEPLOY service created with ECS Exec on reads back false and the stack's check that exec is unchanged fails after the apply (AWS reads back true)",
    evidence:
      "Resource postcondition failed: service.execEnabled: ECS refuses to change ECS Exec on a service CodeDeploy deploys (the plan keeps false)",
  },
];

const ECS_CREATE_SERVICE_IGNORES = "moto/ecs/responses.py create_service never reads the parameter";

/** ECS service parameters moto's CreateService ignores, so DescribeServices returns its defaults. */
const ecsServiceDrifts: KnownDrift[] = [
  [
    "capacity_provider_strategy",
    "capacityProviderStrategy: read back [] (the provider then plans a replacement)",
  ],
  ["health_check_grace_period_seconds", "healthCheckGracePeriodSeconds: read back 0"],
  ["enable_ecs_managed_tags", "enableECSManagedTags: read back false"],
  ["availability_zone_rebalancing", 'availabilityZoneRebalancing: read back ""'],
  [
    "enable_execute_command",
    "enableExecuteCommand: sent true, read back false (the provider then plans a replacement)",
  ],
].map(([attribute, evidence]) => ({
  type: "aws_ecs_service",
  attribute,
  reason: ECS_CREATE_SERVICE_IGNORES,
  evidence,
}));

/** A rule whose source or destination is a security group or a prefix list, not a CIDR. */
const referencesGroupOrPrefixList = (after: Body) =>
  Boolean(after.referenced_security_group_id || after.prefix_list_id);

export const KNOWN_DRIFTS: readonly KnownDrift[] = [
  ...ecsServiceDrifts,
  ...["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"].map((type) => ({
    type,
    attribute: "description",
    applies: referencesGroupOrPrefixList,
    reason:
      "a rule that references a security group comes back from DescribeSecurityGroupRules without its description",
    evidence: 'e.g. description: sent "Web port from the load balancer", read back null',
  })),
  {
    type: "aws_flow_log",
    attribute: "destination_options",
    reason: "CreateFlowLogs ignores DestinationOptions (S3 destinations: file format, partitions)",
    evidence:
      'destination_options: sent [{file_format: "parquet", …}], read back [] (the provider then plans a replacement)',
  },
];
