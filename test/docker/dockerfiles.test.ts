/**
 * The Dockerfiles, parsed with dockerfile-ast: what every image must be, and that each says what
 * docker/contract.ts promises the task definition.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  APP,
  APP_ENV,
  APP_ENV_DEFAULTS,
  APP_UID,
  type ContainerContract,
  NODE,
  NODE_ENV_DEFAULTS,
  SHARED_GID,
  TASK_VOLUMES,
  WEB,
  WEB_UID,
} from "../../docker/contract";
import {
  copySourcesAndDestination,
  DOCKER_DIR,
  healthcheckCommand,
  IMAGES,
  type ImageDir,
  instructionsOf,
  type ParsedDockerfile,
  parseDockerfile,
} from "./support/dockerfiles";

const ALL = Object.values(IMAGES);
/** How a configuration layer names its base: the build argument, as written in the Dockerfile. */
const BASE_IMAGE_ARG = `\${BASE_IMAGE}`;
const BASES = [IMAGES.nginxBase, IMAGES.uwsgiBase];
/** The layers on top of a base image: configuration only. */
const CONFIG_LAYERS = [IMAGES.nginx, IMAGES.app];
const FINAL_IMAGES: [ImageDir, ContainerContract][] = [
  [IMAGES.nginx, WEB],
  [IMAGES.app, APP],
  [IMAGES.node, NODE],
];

const dockerfile = (dir: ImageDir): ParsedDockerfile => parseDockerfile(dir);
const allInstructions = (dir: ImageDir) => dockerfile(dir).stages.flatMap((s) => s.instructions);
const lastUser = (dir: ImageDir) => instructionsOf(dockerfile(dir).final, "USER").at(-1)?.args[0];
const stageNames = (dir: ImageDir) =>
  new Set(
    dockerfile(dir)
      .stages.map((s) => s.name)
      .filter(Boolean),
  );

describe("every Dockerfile", () => {
  it.each(ALL)(
    "%s: FROM a pinned tag, a build stage, or the base image passed as a build argument",
    (dir) => {
      for (const stage of dockerfile(dir).stages) {
        if (stageNames(dir).has(stage.image)) continue;
        if (stage.image === BASE_IMAGE_ARG) continue;
        const [, tag = ""] = stage.image.split(":");
        expect(tag).not.toBe("latest");
        // A full version (3.12.12, 22.22.0) or a dated snapshot (bookworm-20260202): not a moving major tag.
        expect(tag).toMatch(/(\d+\.\d+\.\d+|\d{8})/);
      }
    },
  );

  it.each(CONFIG_LAYERS)("%s: takes its base image from a build argument without a default", (dir) => {
    const { globalArgs, stages } = dockerfile(dir);
    expect(stages.map((s) => s.image)).toEqual([BASE_IMAGE_ARG]);
    expect(globalArgs.map((a) => a.args.join(" "))).toEqual(["BASE_IMAGE"]);
  });

  it.each(ALL)("%s: ends as a numeric, non-root USER", (dir) => {
    const user = lastUser(dir);
    expect(user).toMatch(/^\d+:\d+$/);
    expect(Number(user?.split(":")[0])).toBeGreaterThan(0);
  });

  it.each(ALL)("%s: uses COPY, never ADD", (dir) => {
    expect(allInstructions(dir).filter((i) => i.keyword === "ADD")).toEqual([]);
  });

  it.each(ALL)("%s: puts no secret in ENV or ARG", (dir) => {
    const secretName = /SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|ACCESS_KEY/i;
    const secretValue = /AKIA[0-9A-Z]{16}|-----BEGIN|[A-Za-z0-9/+]{40}/;
    const { globalArgs } = dockerfile(dir);
    for (const instruction of [...globalArgs, ...allInstructions(dir)]) {
      if (instruction.keyword !== "ENV" && instruction.keyword !== "ARG") continue;
      const pairs = instruction.env ?? instruction.args.map((a) => a.split("=") as [string, string?]);
      for (const [name, value = ""] of pairs) {
        expect(name).not.toMatch(secretName);
        expect(value).not.toMatch(secretValue);
      }
    }
  });

  it.each(ALL)("%s: has a .dockerignore that keeps everything out but what it copies", (dir) => {
    const ignore = join(DOCKER_DIR, dir, ".dockerignore");
    expect(existsSync(ignore)).toBe(true);
    const rules = readFileSync(ignore, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect(rules[0]).toBe("*");
    const allowed = rules.slice(1).map((r) => r.replace(/^!/, ""));
    const copied = dockerfile(dir)
      .stages.flatMap((s) => instructionsOf(s, "COPY"))
      .filter((c) => !("from" in c.flags))
      .flatMap((c) => copySourcesAndDestination(c).sources);
    const expected = BASES.includes(dir as (typeof BASES)[number]) ? ["Dockerfile"] : copied;
    expect(new Set(allowed)).toEqual(new Set(expected));
  });
});

describe("configuration layers (docker/nginx, docker/app)", () => {
  it.each(CONFIG_LAYERS)("%s: add files only: no RUN, so no package", (dir) => {
    expect(allInstructions(dir).map((i) => i.keyword)).not.toContain("RUN");
  });
});

describe("base images", () => {
  it.each(BASES)("%s: create the shared group and their user with the contract's ids", (dir) => {
    const runs = allInstructions(dir)
      .filter((i) => i.keyword === "RUN")
      .map((i) => i.args.join(" "))
      .join("\n");
    expect(runs).toContain(`groupadd --system --gid ${SHARED_GID} www`);
    expect(runs).toContain(`--uid ${dir === IMAGES.nginxBase ? WEB_UID : APP_UID} --gid www`);
  });

  it("nginx base: installs Debian's nginx, as the host tests run it", () => {
    const runs = allInstructions(IMAGES.nginxBase).filter((i) => i.keyword === "RUN");
    expect(runs.map((i) => i.args.join(" ")).join(" ")).toMatch(
      /apt-get install -y --no-install-recommends nginx\b/,
    );
    expect(dockerfile(IMAGES.nginxBase).final.image).toMatch(
      /^\$\{BASE_REGISTRY\}\/debian:bookworm-\d{8}-slim$/,
    );
  });

  it("uwsgi base: compiles a pinned uwsgi in a builder stage; the final stage installs no compiler", () => {
    const { stages, final } = dockerfile(IMAGES.uwsgiBase);
    expect(stages).toHaveLength(2);
    expect(stages[0].name).toBe("builder");
    const builder = stages[0].instructions.map((i) => i.args.join(" ")).join("\n");
    expect(builder).toContain("gcc");
    expect(builder).toMatch(/pip wheel .*uwsgi==\d+\.\d+\.\d+/);
    expect(final.image).toBe(stages[0].image);
    const finalRuns = instructionsOf(final, "RUN");
    expect(finalRuns.map((i) => i.args.join(" ")).join("\n")).not.toMatch(/apt-get|gcc|build-essential/);
    expect(finalRuns[0].flags.mount).toBe("type=bind,from=builder,source=/wheels,target=/wheels");
  });

  it.each([
    [IMAGES.nginxBase, "web"],
    [IMAGES.uwsgiBase, "app"],
  ] as const)("%s: declares as VOLUME every path the %s container mounts", (dir, container) => {
    const [volume] = instructionsOf(dockerfile(dir).final, "VOLUME");
    const mounted = TASK_VOLUMES.flatMap((v) =>
      v.mounts.filter((m) => m.container === container).map((m) => m.path),
    );
    expect(new Set(volume.json)).toEqual(new Set(mounted));
  });
});

describe("final images agree with docker/contract.ts", () => {
  it.each(FINAL_IMAGES)("%s: runs as the contract's user", (dir, contract) => {
    expect(lastUser(dir)).toBe(contract.user);
  });

  it.each(FINAL_IMAGES)("%s: HEALTHCHECK runs the contract's health-check command", (dir, contract) => {
    const [healthcheck] = instructionsOf(dockerfile(dir).final, "HEALTHCHECK");
    expect(["CMD", ...healthcheckCommand(healthcheck)]).toEqual(contract.healthCheckCommand);
  });

  it.each(FINAL_IMAGES)("%s: EXPOSEs the contract's port, if any", (dir, contract) => {
    const exposed = instructionsOf(dockerfile(dir).final, "EXPOSE").flatMap((i) => i.args);
    expect(exposed).toEqual(contract.port ? [String(contract.port)] : []);
  });

  it.each(FINAL_IMAGES)("%s: declares the STOPSIGNAL its contract describes", (dir, contract) => {
    const [stopsignal] = instructionsOf(dockerfile(dir).final, "STOPSIGNAL");
    expect(contract.stopSignalNote).toContain(`STOPSIGNAL ${stopsignal.args[0]}`);
  });

  it("app: ENV sets the contract's defaults for every variable uwsgi.ini reads", () => {
    const env = Object.fromEntries(
      instructionsOf(dockerfile(IMAGES.app).final, "ENV").flatMap((i) => i.env ?? []),
    );
    expect(env).toMatchObject(APP_ENV_DEFAULTS);
    const settings = readFileSync(join(DOCKER_DIR, "app", "uwsgi.ini"), "utf8")
      .split("\n")
      .filter((line) => !line.trimStart().startsWith(";"))
      .join("\n");
    const read = [...settings.matchAll(/\$\((\w+)\)/g)].map((m) => m[1]);
    expect(new Set(read)).toEqual(new Set(Object.values(APP_ENV)));
  });

  it("node: builds in stages, npm ci in a layer of its own, only compiled output in the final stage", () => {
    const { stages, final } = dockerfile(IMAGES.node);
    const [deps] = stages;
    const [copyManifests, install] = deps.instructions.filter(
      (i) => i.keyword === "COPY" || i.keyword === "RUN",
    );
    expect(copySourcesAndDestination(copyManifests).sources).toEqual(["package.json", "package-lock.json"]);
    expect(install.args.join(" ")).toMatch(/^npm ci\b/);
    expect(install.flags.mount).toBe("type=cache,target=/root/.npm");

    expect(instructionsOf(final, "RUN")).toEqual([]);
    const copies = instructionsOf(final, "COPY").map((c) => [
      c.flags.from,
      ...copySourcesAndDestination(c).sources,
    ]);
    expect(copies).toEqual([
      ["build", "/app/package.json"],
      ["build", "/app/dist/"],
    ]);
    expect(instructionsOf(final, "CMD")[0].json).toEqual(["node", "dist/server.js"]);
    const env = Object.fromEntries(instructionsOf(final, "ENV").flatMap((i) => i.env ?? []));
    expect(env).toMatchObject(NODE_ENV_DEFAULTS);
  });
});
