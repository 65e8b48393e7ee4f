import { z } from "zod";

/**
 * Usage assumptions of the monthly cost estimate (`npm run cost`). The stack does not read them: they only
 * turn the synthesized resources into a bill. Each environment overrides what differs in its `cost:` section.
 */
const amount = z.number().min(0);

export const cost = z.strictObject({
  /** Requests reaching the service per month (CloudFront, WAF, ALB, log volumes scale with it). @default 1000000 */
  requestsPerMonth: amount.default(1_000_000),
  /** Average response size, KiB: data out to the internet and through the ALB. @default 50 */
  averageResponseKiB: amount.default(50),
  /** Requests per new client connection to the ALB (keep-alive; sets the new-connection LCUs). @default 10 */
  requestsPerConnection: z.number().min(1).default(10),
  /** Container log bytes written per request (nginx and uwsgi JSON lines together). @default 1000 */
  logBytesPerRequest: amount.default(1000),
  /** WAF log bytes per logged request (a full JSON record with headers). @default 2000 */
  wafLogBytesPerRequest: amount.default(2000),
  /** Share of requests WAF blocks or counts: all that is logged with `logOnlyBlockedAndCounted`. @default 0.02 */
  wafBlockedOrCountedShare: z.number().min(0).max(1).default(0.02),
  /** CloudFront standard-log bytes per request (JSON). @default 700 */
  cloudFrontLogBytesPerRequest: amount.default(700),
  /** ALB access-log bytes per request, as written (before gzip). @default 600 */
  albLogBytesPerRequest: amount.default(600),
  /** VPC flow-log volume per month, GB, as written. @default 5 */
  flowLogGbPerMonth: amount.default(5),
  /** Data processed by NAT gateways per month, GB (image pulls, API calls, outbound calls). @default 20 */
  natGbPerMonth: amount.default(20),
  /** Data processed by interface endpoints per month, GB (image pulls and logs when they go there). @default 20 */
  endpointGbPerMonth: amount.default(20),
  /** Average tasks running above the autoscaling minimum while the service runs. @default 0 */
  extraTasks: amount.default(0),
  /** Pipeline runs (deployments) per month. @default 40 */
  pipelineRunsPerMonth: amount.default(40),
  /** Minutes per run of a build-stage CodeBuild project. @default 10 */
  buildMinutesPerRun: amount.default(10),
  /** Minutes per run of a deploy stage (CodeBuild rolling deploy, or CodeDeploy traffic shift). @default 10 */
  deployMinutesPerRun: amount.default(10),
  /** Images kept per ECR repository, GB. @default 2 */
  imageGbPerRepository: amount.default(2),
  /** Pipeline artifact size per run, MB. @default 50 */
  artifactMbPerRun: amount.default(50),
  /** CloudTrail events per month, GB as written (the CloudWatch Logs copy; S3 holds them gzipped). @default 2 */
  trailGbPerMonth: amount.default(2),
  /** S3 data events per month, when the trail records them. @default 500000 */
  trailDataEventsPerMonth: amount.default(500_000),
  /** Configuration items AWS Config records per month (Fargate ENIs are recorded daily). @default 2000 */
  configItemsPerMonth: amount.default(2000),
  /** Evaluations per Config rule per month. @default 300 */
  configEvaluationsPerRule: amount.default(300),
  /** Stored size of logs as a share of written (CloudWatch Logs and S3 keep them compressed). @default 0.15 */
  logStorageRatio: z.number().gt(0).max(1).default(0.15),
  /** Months of running after which storage is priced (it grows until each store's retention). @default 12 */
  horizonMonths: z.number().int().min(1).max(120).default(12),
});
