/**
 * What the pipeline's CodeBuild projects and the repository's build files (docker/buildspec.yml,
 * docker/ci/) agree on: environment variables in, files out. Tests hold both sides to it.
 */

/** Environment variables the build project sets (none of them secret). */
export const BUILD_ENV = {
  registry: "ECR_REGISTRY",
  webRepository: "WEB_REPOSITORY",
  appRepository: "APP_REPOSITORY",
  webBaseRepository: "WEB_BASE_REPOSITORY",
  appBaseRepository: "APP_BASE_REPOSITORY",
  singleRepository: "SINGLE_REPOSITORY",
  /** The registry path public base images are pulled through, e.g. public.ecr.aws/docker/library. */
  baseImageRegistry: "BASE_IMAGE_REGISTRY",
  /** The task definition revision Terraform registered: everything but the images. */
  templateTaskDefinitionArn: "TEMPLATE_TASK_DEFINITION_ARN",
  /** `rolling` or `blueGreen`. */
  deploymentMode: "DEPLOYMENT_MODE",
  /** The container and port the load balancer sends traffic to (the AppSpec names them). */
  containerName: "CONTAINER_NAME",
  containerPort: "CONTAINER_PORT",
} as const;

/** Environment variables of the rolling deploy project. */
export const DEPLOY_ENV = {
  cluster: "CLUSTER_NAME",
  service: "SERVICE_NAME",
} as const;

/** Files the build writes into its output artifact. */
export const BUILD_OUTPUT = {
  /** The task definition to deploy: the template plus the new images by digest. */
  taskDefinition: "taskdef.json",
  /** CodeDeploy's AppSpec (blue/green), with the `<TASK_DEFINITION>` placeholder CodeDeploy fills in. */
  appSpec: "appspec.yaml",
  /** Container name → image, for the record. */
  imageDefinitions: "imagedefinitions.json",
} as const;

/** Where the build files live in the repository. */
export const BUILDSPEC_PATH = "docker/buildspec.yml";
/**
 * The rolling deploy project's buildspec. Its source is the build's output artifact, so the build copies
 * this file and docker/ci/deploy-rolling.sh into that artifact beside BUILD_OUTPUT's files.
 */
export const DEPLOY_BUILDSPEC_PATH = "docker/ci/deploy-buildspec.yml";

/** CodeBuild's managed images, by the task's CPU architecture. */
export const CODEBUILD_IMAGES = {
  X86_64: { image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", type: "LINUX_CONTAINER" },
  ARM64: { image: "aws/codebuild/amazonlinux-aarch64-standard:3.0", type: "ARM_CONTAINER" },
} as const;
