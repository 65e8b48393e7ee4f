/**
 * docker/ci/base-image.sh, which decides whether a base image must be built, run with stand-ins for the aws
 * and docker commands. The buildspecs and the other pipeline scripts: test/docker/pipeline-*.test.ts.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOCKER_DIR } from "./support/dockerfiles";

const SCRIPT = join(DOCKER_DIR, "ci", "base-image.sh");
const REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web-base";

let work: string;
let fakeBin: string;
const calls = () => readFileSync(join(work, "calls"), "utf8").trim().split("\n").filter(Boolean);

/** Runs the script with fake `aws` and `docker` that log their arguments; `aws` answers as told. */
function run(args: string[], aws: "found" | "not-found" | "denied" = "not-found") {
  const answers = {
    found: 'echo "{}"',
    "not-found":
      'echo "An error occurred (ImageNotFoundException) when calling DescribeImages" >&2; exit 254',
    denied: 'echo "An error occurred (AccessDeniedException)" >&2; exit 254',
  };
  for (const [name, body] of [
    ["aws", answers[aws]],
    ["docker", ""],
  ]) {
    writeFileSync(join(fakeBin, name), `#!/bin/sh\necho "${name} $*" >> "${work}/calls"\n${body}\n`);
    chmodSync(join(fakeBin, name), 0o755);
  }
  writeFileSync(join(work, "calls"), "");
  return spawnSync("bash", [SCRIPT, ...args], {
    encoding: "utf8",
    env: { PATH: `${fakeBin}:/usr/bin:/bin` },
  });
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "fws-ci-"));
  fakeBin = join(work, "bin");
  mkdirSync(fakeBin);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("docker/ci/base-image.sh", () => {
  const copyOfBase = () => {
    const dir = join(work, "base");
    cpSync(join(DOCKER_DIR, "nginx", "base"), dir, { recursive: true });
    return dir;
  };
  const tagOf = (dir: string) => run(["tag", dir]).stdout.trim();

  it("tags a base image with a hash of its build context: same files, same tag", () => {
    const tag = tagOf(join(DOCKER_DIR, "nginx", "base"));
    expect(tag).toMatch(/^base-[0-9a-f]{16}$/);
    expect(tagOf(copyOfBase())).toBe(tag);
    expect(tagOf(join(DOCKER_DIR, "uwsgi", "base"))).not.toBe(tag);
  });

  it("changes the tag when a file of the context changes or is added", () => {
    const dir = copyOfBase();
    const before = tagOf(dir);
    writeFileSync(join(dir, "Dockerfile"), `${readFileSync(join(dir, "Dockerfile"), "utf8")}# bump\n`);
    const edited = tagOf(dir);
    writeFileSync(join(dir, "extra.conf"), "x\n");
    expect(new Set([before, edited, tagOf(dir)]).size).toBe(3);
  });

  it("does not rebuild an image ECR already has", () => {
    const dir = copyOfBase();
    const tag = tagOf(dir);
    const result = run(["ensure", dir, REPOSITORY], "found");
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(`${REPOSITORY}:${tag}`);
    expect(calls()).toEqual([
      `aws ecr describe-images --repository-name web-base --image-ids imageTag=${tag}`,
    ]);
  });

  it("builds and pushes the image when ECR does not have its tag", () => {
    const dir = copyOfBase();
    const image = `${REPOSITORY}:${tagOf(dir)}`;
    const result = run(["ensure", dir, REPOSITORY], "not-found");
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(image);
    expect(calls().slice(1)).toEqual([`docker build --tag ${image} ${dir}`, `docker push ${image}`]);
  });

  it("passes build options to docker build, and leaves them out of the tag", () => {
    const dir = copyOfBase();
    const image = `${REPOSITORY}:${tagOf(dir)}`;
    const result = run([
      "ensure",
      dir,
      REPOSITORY,
      "--build-arg",
      "BASE_REGISTRY=public.ecr.aws/docker/library",
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(image);
    expect(calls().slice(1)).toEqual([
      `docker build --tag ${image} --build-arg BASE_REGISTRY=public.ecr.aws/docker/library ${dir}`,
      `docker push ${image}`,
    ]);
  });

  it("stops when ECR cannot be asked, rather than guessing", () => {
    const result = run(["ensure", copyOfBase(), REPOSITORY], "denied");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("AccessDeniedException");
    expect(calls().filter((c) => c.startsWith("docker"))).toEqual([]);
  });
});
