/**
 * docker/ci/build-images.sh: which images a build makes for each service layout, how it pulls public base
 * images, and that it hands on each image by the digest ECR stores. Run with stand-ins for aws and docker.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BUILD_ENV } from "../../modules/pipeline/build-contract";
import { type Answer, CI_DIR, digestOf, type StandIns, standIns } from "./pipeline-stand-ins";
import { DOCKER_DIR } from "./support/dockerfiles";
import { CURL_OK, describedTemplate, dockerAnswers } from "./support/image-test-answers";

const REGISTRY = "222222222222.dkr.ecr.eu-west-1.amazonaws.com";
const COMMIT = "0123456789ab";
const PUBLIC = "public.ecr.aws/docker/library";
const TEMPLATE = "arn:aws:ecs:eu-west-1:222222222222:task-definition/fws-prod-site:7";
const WEB_AND_APP = {
  [BUILD_ENV.templateTaskDefinitionArn]: TEMPLATE,
  [BUILD_ENV.registry]: REGISTRY,
  [BUILD_ENV.baseImageRegistry]: PUBLIC,
  [BUILD_ENV.webBaseRepository]: "fws-prod/site/web-base",
  [BUILD_ENV.appBaseRepository]: "fws-prod/site/app-base",
  [BUILD_ENV.webRepository]: "fws-prod/site/web",
  [BUILD_ENV.appRepository]: "fws-prod/site/app",
  [BUILD_ENV.singleRepository]: "",
};
const SINGLE = {
  [BUILD_ENV.templateTaskDefinitionArn]: TEMPLATE,
  [BUILD_ENV.registry]: REGISTRY,
  [BUILD_ENV.baseImageRegistry]: PUBLIC,
  [BUILD_ENV.webBaseRepository]: "",
  [BUILD_ENV.appBaseRepository]: "",
  [BUILD_ENV.webRepository]: "",
  [BUILD_ENV.appRepository]: "",
  [BUILD_ENV.singleRepository]: "fws-dev/api/node",
};

const baseTag = (dir: string) =>
  spawnSync("bash", [join(CI_DIR, "base-image.sh"), "tag", join(DOCKER_DIR, dir)], {
    encoding: "utf8",
  }).stdout.trim();
const WEB_BASE = `${REGISTRY}/fws-prod/site/web-base:${baseTag("nginx/base")}`;
const APP_BASE = `${REGISTRY}/fws-prod/site/app-base:${baseTag("uwsgi/base")}`;

/** ECR's answers: a base image's tag is there or not; a pushed image's digest. */
const baseImage = (repository: string, inEcr: boolean) => ({
  when: ["describe-images", repository],
  ...(inEcr
    ? { stdout: "{}" }
    : { stderr: "An error occurred (ImageNotFoundException) when calling DescribeImages\n", code: 254 }),
});
const pushed = (repository: string, digest: string) => ({
  when: ["describe-images", repository, `imageTag=${COMMIT}`, "--query"],
  stdout: `${digest}\n`,
});

/** The template test-images.sh runs the built images as: prod's (web + app) or the minimal fixture's (node). */
const PROD_TEMPLATE = describedTemplate("config/prod.yaml");
const SINGLE_TEMPLATE = describedTemplate("test/fixtures/configs/minimal.yaml");
/** Stand-ins under which the built images pass their test (test-images.sh, its own tests beside). */
function passing(aws: Answer[], layout: "web" | "node" = "web"): StandIns {
  const template = layout === "web" ? PROD_TEMPLATE : SINGLE_TEMPLATE;
  return standIns({
    aws: [...aws, { when: ["describe-task-definition", TEMPLATE], stdout: template }],
    docker: dockerAnswers(layout),
    curl: CURL_OK,
  });
}

let ci: StandIns;
afterEach(() => ci?.cleanup());
const commands = (tool: "aws" | "docker") => ci.calls(tool).map((c) => c.slice(1).join(" "));
/** The builds and pushes among the docker commands (the image test's are checked in its own file). */
const buildsAndPushes = () => commands("docker").filter((c) => /^(build|push) /.test(c));

describe("docker/ci/build-images.sh", () => {
  const webAndAppEcr = (basesInEcr: boolean) => [
    pushed("fws-prod/site/web", digestOf("web")),
    pushed("fws-prod/site/app", digestOf("app")),
    baseImage("fws-prod/site/web-base", basesInEcr),
    baseImage("fws-prod/site/app-base", basesInEcr),
  ];

  it("web + app: reuses base images ECR has, builds both configuration images on them, tagged with the commit", () => {
    ci = passing(webAndAppEcr(true));
    const result = ci.run("build-images.sh", [COMMIT], WEB_AND_APP);
    expect(result.status).toBe(0);
    expect(buildsAndPushes()).toEqual([
      `build --tag ${REGISTRY}/fws-prod/site/web:${COMMIT} --build-arg BASE_IMAGE=${WEB_BASE} ${DOCKER_DIR}/nginx`,
      `build --tag ${REGISTRY}/fws-prod/site/app:${COMMIT} --build-arg BASE_IMAGE=${APP_BASE} ${DOCKER_DIR}/app`,
      `push ${REGISTRY}/fws-prod/site/web:${COMMIT}`,
      `push ${REGISTRY}/fws-prod/site/app:${COMMIT}`,
    ]);
  });

  it("web + app: runs the built images as the task does between building and pushing them", () => {
    ci = passing(webAndAppEcr(true));
    expect(ci.run("build-images.sh", [COMMIT], WEB_AND_APP).status).toBe(0);
    const docker = commands("docker");
    const lastBuild = docker.map((c) => c.startsWith("build ")).lastIndexOf(true);
    const firstPush = docker.findIndex((c) => c.startsWith("push "));
    const runs = docker.filter((c) => c.startsWith("run "));
    expect(runs.map((c) => c.split(" ").at(-1))).toEqual([
      `${REGISTRY}/fws-prod/site/app:${COMMIT}`,
      `${REGISTRY}/fws-prod/site/web:${COMMIT}`,
    ]);
    for (const run of runs) {
      expect(docker.indexOf(run)).toBeGreaterThan(lastBuild);
      expect(docker.indexOf(run)).toBeLessThan(firstPush);
    }
  });

  it("pushes nothing when the built images fail their test", () => {
    ci = standIns({
      aws: [...webAndAppEcr(true), { when: ["describe-task-definition", TEMPLATE], stdout: PROD_TEMPLATE }],
      docker: dockerAnswers("web", { app: "not json\n" }),
      curl: CURL_OK,
    });
    const result = ci.run("build-images.sh", [COMMIT], WEB_AND_APP);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("app wrote a stdout line that is not JSON");
    expect(result.stderr).toContain("the images failed their test (test-images.sh); nothing pushed");
    expect(commands("docker").filter((c) => c.startsWith("push "))).toEqual([]);
    expect(result.stdout).toBe("");
  });

  it("web + app: prints each container's image by the digest ECR stores, for render-deploy.sh", () => {
    ci = passing(webAndAppEcr(true));
    const result = ci.run("build-images.sh", [COMMIT], WEB_AND_APP);
    expect(result.stdout.trim().split("\n")).toEqual([
      `web=${REGISTRY}/fws-prod/site/web@${digestOf("web")}`,
      `app=${REGISTRY}/fws-prod/site/app@${digestOf("app")}`,
    ]);
    expect(commands("aws")).toContain(
      `ecr describe-images --repository-name fws-prod/site/web --image-ids imageTag=${COMMIT} ` +
        "--query imageDetails[0].imageDigest --output text",
    );
  });

  it("web + app: builds a missing base image from its upstream through BASE_IMAGE_REGISTRY, then pushes it", () => {
    ci = passing(webAndAppEcr(false));
    const result = ci.run("build-images.sh", [COMMIT], WEB_AND_APP);
    expect(result.status).toBe(0);
    const docker = buildsAndPushes();
    expect(docker.slice(0, 4)).toEqual([
      `build --tag ${WEB_BASE} --build-arg BASE_REGISTRY=${PUBLIC} ${DOCKER_DIR}/nginx/base`,
      `push ${WEB_BASE}`,
      `build --tag ${APP_BASE} --build-arg BASE_REGISTRY=${PUBLIC} ${DOCKER_DIR}/uwsgi/base`,
      `push ${APP_BASE}`,
    ]);
    expect(docker.slice(4).filter((c) => c.startsWith("build"))).toHaveLength(2);
  });

  it("node: builds docker/node only, pulling through BASE_IMAGE_REGISTRY, and prints it by digest", () => {
    ci = passing([pushed("fws-dev/api/node", digestOf("node"))], "node");
    const result = ci.run("build-images.sh", [COMMIT], SINGLE);
    expect(result.status).toBe(0);
    expect(buildsAndPushes()).toEqual([
      `build --tag ${REGISTRY}/fws-dev/api/node:${COMMIT} --build-arg BASE_REGISTRY=${PUBLIC} ${DOCKER_DIR}/node`,
      `push ${REGISTRY}/fws-dev/api/node:${COMMIT}`,
    ]);
    expect(result.stdout).toBe(`node=${REGISTRY}/fws-dev/api/node@${digestOf("node")}\n`);
  });

  it.each([
    ["both layouts", { ...WEB_AND_APP, [BUILD_ENV.singleRepository]: "fws-dev/api/node" }],
    ["neither layout", { ...SINGLE, [BUILD_ENV.singleRepository]: "" }],
    ["one base repository", { ...WEB_AND_APP, [BUILD_ENV.appBaseRepository]: "" }],
  ])("refuses %s, naming the variables, before building anything", (_, env) => {
    ci = standIns({});
    const result = ci.run("build-images.sh", [COMMIT], env);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain(
      "set WEB_BASE_REPOSITORY and APP_BASE_REPOSITORY (web + app) or only SINGLE_REPOSITORY",
    );
    expect(ci.calls()).toEqual([]);
  });

  it("refuses a tag that is not a commit id (CodeBuild gave no source version)", () => {
    ci = standIns({});
    const result = ci.run("build-images.sh", [""], WEB_AND_APP);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain("is not a commit id");
    expect(ci.calls()).toEqual([]);
  });

  it("stops when ECR has no digest for the image it was just given, rather than deploy a tag", () => {
    ci = passing([{ when: ["describe-images"], stdout: "None\n" }], "node");
    const result = ci.run("build-images.sh", [COMMIT], SINGLE);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `ECR gave no digest for ${REGISTRY}/fws-dev/api/node:${COMMIT} (got 'None')`,
    );
    expect(result.stdout).toBe("");
  });

  it("stops when ECR cannot say whether it has a base image, rather than guess", () => {
    ci = standIns({
      aws: [{ when: ["describe-images"], stderr: "An error occurred (AccessDeniedException)\n", code: 254 }],
    });
    const result = ci.run("build-images.sh", [COMMIT], WEB_AND_APP);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("AccessDeniedException");
    expect(ci.calls("docker")).toEqual([]);
  });

  it("stops when a build fails, and pushes nothing", () => {
    ci = standIns({ docker: [{ when: ["build"], stderr: "failed to solve\n", code: 1 }] });
    const result = ci.run("build-images.sh", [COMMIT], SINGLE);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`docker build of ${DOCKER_DIR}/node failed`);
    expect(commands("docker").filter((c) => c.startsWith("push"))).toEqual([]);
  });
});
