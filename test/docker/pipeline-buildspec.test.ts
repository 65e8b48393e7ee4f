/**
 * docker/buildspec.yml and docker/ci/deploy-buildspec.yml against modules/pipeline/build-contract.ts: the
 * environment the CodeBuild projects set is what the build files read, and the build's output artifact
 * holds what the deploy actions read. The build phase itself runs here, with stand-ins for aws and docker.
 */
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  BUILD_ENV,
  BUILD_OUTPUT,
  BUILDSPEC_PATH,
  DEPLOY_BUILDSPEC_PATH,
  DEPLOY_ENV,
} from "../../modules/pipeline/build-contract";
import { DEPLOY_TAGS } from "../../modules/service/code-deploy-fields";
import { digestOf, type StandIns, standIns } from "./pipeline-stand-ins";
import { DOCKER_DIR } from "./support/dockerfiles";
import { CURL_OK, dockerAnswers } from "./support/image-test-answers";

const ROOT = join(DOCKER_DIR, "..");

interface Buildspec {
  version: number;
  env: { shell: string; variables?: Record<string, string> };
  phases: Record<string, { "on-failure"?: string; commands: string[] }>;
  artifacts?: { files: string[]; "discard-paths"?: string; "base-directory"?: string };
}
const buildspecAt = (path: string) => parse(readFileSync(join(ROOT, path), "utf8")) as Buildspec;
const commandsOf = (spec: Buildspec) => Object.values(spec.phases).flatMap((p) => p.commands);

/** The docker/ci scripts a text runs, and those they run in turn. */
function scriptsRunBy(text: string, seen = new Set<string>()): Set<string> {
  for (const [, name] of text.matchAll(/ci\/([\w-]+\.sh)/g)) {
    if (seen.has(name)) continue;
    seen.add(name);
    scriptsRunBy(readFileSync(join(DOCKER_DIR, "ci", name), "utf8"), seen);
  }
  return seen;
}

/**
 * Upper-case variables a shell text reads ($NAME, ${NAME...}) and those it assigns. Comments and single-quoted
 * assignments (render-deploy.sh's JavaScript) are left out: the shell expands nothing there.
 */
function variablesOf(text: string): { read: Set<string>; assigned: Set<string> } {
  const code = text
    .replace(/^(\s*[A-Z][A-Z0-9_]*=)'[^']*'/gm, "$1''")
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n");
  return {
    read: new Set([...code.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1])),
    assigned: new Set(
      [...code.matchAll(/^\s*(?:local\s+|readonly\s+|export\s+)?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]),
    ),
  };
}

/** What one CodeBuild project's build files read from the environment that they do not set themselves. */
function environmentRead(spec: Buildspec): Set<string> {
  const texts = [
    commandsOf(spec).join("\n"),
    ...[...scriptsRunBy(commandsOf(spec).join("\n"))].map((s) =>
      readFileSync(join(DOCKER_DIR, "ci", s), "utf8"),
    ),
  ];
  const read = new Set(texts.flatMap((t) => [...variablesOf(t).read]));
  const assigned = new Set([
    ...texts.flatMap((t) => [...variablesOf(t).assigned]),
    ...Object.keys(spec.env.variables ?? {}),
  ]);
  return new Set([...read].filter((v) => !assigned.has(v)));
}

/** Set by CodeBuild itself, or by bash. */
const PROVIDED = ["CODEBUILD_RESOLVED_SOURCE_VERSION", "BASH_SOURCE"];

describe("docker/buildspec.yml", () => {
  const spec = buildspecAt(BUILDSPEC_PATH);
  const phase = (name: string) => spec.phases[name].commands;

  it("tests the images it builds, with docker, before any push (build-images.sh runs test-images.sh)", () => {
    expect(phase("pre_build")[0]).toBe(
      'aws ecr get-login-password | docker login --username AWS --password-stdin "$ECR_REGISTRY"',
    );
    expect([...scriptsRunBy(commandsOf(spec).join("\n"))]).toContain("test-images.sh");
  });

  it("runs nothing that needs apt-get or another package manager: CodeBuild's amazonlinux images have none of Debian's", () => {
    const commands = commandsOf(spec).join("\n");
    // No jest either: test/docker's support installs Debian's nginx and uwsgi with apt-get.
    expect(commands).not.toMatch(/\b(apt-get|apt|dpkg|yum|dnf|npm|npx|jest)\b/);
    for (const script of scriptsRunBy(commands)) {
      const code = readFileSync(join(DOCKER_DIR, "ci", script), "utf8")
        .split("\n")
        .filter((line) => !line.trimStart().startsWith("#"))
        .join("\n");
      expect({ script, manager: code.match(/\b(apt-get|dpkg|yum|dnf|npm|npx|jest)\b/)?.[0] }).toEqual({
        script,
        manager: undefined,
      });
    }
  });

  it("stops at the first failing phase: no push or deploy input after a failed test", () => {
    expect(Object.keys(spec.phases)).toEqual(["pre_build", "build"]);
    for (const { "on-failure": onFailure } of Object.values(spec.phases)) expect(onFailure).toBe("ABORT");
    expect(spec.env.shell).toBe("bash");
    expect(spec.env.variables?.DOCKER_BUILDKIT).toBe("1");
  });

  it("tags images with the commit's first 12 characters", () => {
    expect(phase("pre_build")).toContain('COMMIT="${CODEBUILD_RESOLVED_SOURCE_VERSION:0:12}"');
    expect(phase("build")[0]).toBe('IMAGES=$(bash docker/ci/build-images.sh "$COMMIT")');
  });

  it("reads every variable the build project sets, and no other", () => {
    const read = environmentRead(spec);
    expect([...read].filter((v) => !PROVIDED.includes(v)).sort()).toEqual(Object.values(BUILD_ENV).sort());
  });

  it("outputs exactly the deploy inputs at the artifact root, plus the rolling deploy project's own files", () => {
    const files = spec.artifacts?.files ?? [];
    const deployFiles = [
      DEPLOY_BUILDSPEC_PATH,
      ...[...scriptsRunBy(readFileSync(join(ROOT, DEPLOY_BUILDSPEC_PATH), "utf8"))].map(
        (s) => `docker/ci/${s}`,
      ),
    ];
    expect(files.sort()).toEqual([...Object.values(BUILD_OUTPUT), ...deployFiles].sort());
    expect(spec.artifacts?.["discard-paths"]).toBeUndefined();
    expect(spec.artifacts?.["base-directory"]).toBeUndefined();
    for (const file of Object.values(BUILD_OUTPUT)) expect(file).not.toContain("/");
  });
});

describe("docker/buildspec.yml's build phase, run with stand-ins", () => {
  const spec = buildspecAt(BUILDSPEC_PATH);
  const REGISTRY = "222222222222.dkr.ecr.eu-west-1.amazonaws.com";
  const SOURCE_VERSION = "0123456789abcdef0123456789abcdef01234567";
  const TEMPLATE = "arn:aws:ecs:eu-west-1:222222222222:task-definition/fws-prod-site:7";
  let ci: StandIns;
  afterEach(() => ci.cleanup());

  it("hands build-images.sh's images to render-deploy.sh, which writes the deploy inputs", () => {
    const container = (name: string, port?: number) => ({
      name,
      image: `${REGISTRY}/fws-prod/site/${name}:0.1.0`,
      portMappings: port ? [{ containerPort: port }] : [],
    });
    ci = standIns({
      aws: [
        { when: ["describe-images", "--query"], stdout: `${digestOf("x")}\n` },
        { when: ["describe-images"], stdout: "{}" },
        {
          when: ["describe-task-definition"],
          stdout: JSON.stringify({
            taskDefinition: {
              family: "fws-prod-site",
              containerDefinitions: [container("web", 8080), container("app")],
            },
            tags: [
              { key: DEPLOY_TAGS.subnets, value: "subnet-0a1 subnet-0b2" },
              { key: DEPLOY_TAGS.securityGroups, value: "sg-0123abcd" },
              { key: DEPLOY_TAGS.assignPublicIp, value: "DISABLED" },
              { key: DEPLOY_TAGS.platformVersion, value: "LATEST" },
              { key: DEPLOY_TAGS.capacityProviderStrategy, value: "FARGATE:1:0" },
            ],
          }),
        },
      ],
      docker: dockerAnswers("web"),
      curl: CURL_OK,
    });
    // The commands find docker/ relative to the source root; outputs land in the test's directory.
    symlinkSync(DOCKER_DIR, join(ci.dir, "docker"));
    const commit = spec.phases.pre_build.commands.filter((c) => c.startsWith("COMMIT="));
    const result = ci.shell([...commit, ...spec.phases.build.commands], {
      CODEBUILD_RESOLVED_SOURCE_VERSION: SOURCE_VERSION,
      [BUILD_ENV.registry]: REGISTRY,
      [BUILD_ENV.baseImageRegistry]: "public.ecr.aws/docker/library",
      [BUILD_ENV.webBaseRepository]: "fws-prod/site/web-base",
      [BUILD_ENV.appBaseRepository]: "fws-prod/site/app-base",
      [BUILD_ENV.webRepository]: "fws-prod/site/web",
      [BUILD_ENV.appRepository]: "fws-prod/site/app",
      [BUILD_ENV.singleRepository]: "",
      [BUILD_ENV.templateTaskDefinitionArn]: TEMPLATE,
      [BUILD_ENV.deploymentMode]: "blueGreen",
      [BUILD_ENV.containerName]: "web",
      [BUILD_ENV.containerPort]: "8080",
    });
    expect(result.stderr).toContain("wrote taskdef.json imagedefinitions.json appspec.yaml");
    expect(result.status).toBe(0);
    for (const file of Object.values(BUILD_OUTPUT)) expect(existsSync(join(ci.dir, file))).toBe(true);
    const images = JSON.parse(readFileSync(join(ci.dir, BUILD_OUTPUT.imageDefinitions), "utf8"));
    expect(images).toEqual([
      { name: "web", imageUri: `${REGISTRY}/fws-prod/site/web@${digestOf("x")}` },
      { name: "app", imageUri: `${REGISTRY}/fws-prod/site/app@${digestOf("x")}` },
    ]);
    const pushes = ci.calls("docker").filter(([, verb]) => verb === "push");
    expect(pushes.map(([, , image]) => image)).toEqual([
      `${REGISTRY}/fws-prod/site/web:${SOURCE_VERSION.slice(0, 12)}`,
      `${REGISTRY}/fws-prod/site/app:${SOURCE_VERSION.slice(0, 12)}`,
    ]);
  });
});

describe("docker/ci/deploy-buildspec.yml", () => {
  const spec = buildspecAt(DEPLOY_BUILDSPEC_PATH);

  it("registers the build's taskdef.json through deploy-rolling.sh, stopping at the first failure", () => {
    expect(spec.phases).toEqual({
      build: {
        "on-failure": "ABORT",
        commands: [`bash docker/ci/deploy-rolling.sh ${BUILD_OUTPUT.taskDefinition}`],
      },
    });
    expect(spec.env.shell).toBe("bash");
  });

  it("reads every variable the deploy project sets, and no other", () => {
    expect([...environmentRead(spec)].sort()).toEqual(Object.values(DEPLOY_ENV).sort());
  });

  it("finds its own files in its source, the build's output artifact", () => {
    const artifact = buildspecAt(BUILDSPEC_PATH).artifacts?.files ?? [];
    expect(artifact).toContain(DEPLOY_BUILDSPEC_PATH);
    for (const script of scriptsRunBy(commandsOf(spec).join("\n"))) {
      expect(artifact).toContain(`docker/ci/${script}`);
    }
  });
});
