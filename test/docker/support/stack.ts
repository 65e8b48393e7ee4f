/**
 * The web + app task on the host: Debian's uwsgi and nginx started from the images' own files (laid out by
 * host-layout.ts), with the images' commands, environment and users.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP, APP_UID, SHARED_GID, WEB, WEB_ENV, WEB_UID } from "../../../docker/contract";
import { instructionsOf, parseDockerfile } from "./dockerfiles";
import { type BenchVariant, type HostLayout, layOutHost } from "./host-layout";
import { freePort, type Server, startServer, waitFor } from "./processes";

/** Debian's uwsgi loads as plugins what the image's pip-built uwsgi has built in. */
export const DEBIAN_UWSGI_PLUGINS = ["--plugin", "python3,logfile"];

export interface StackOptions {
  /** VPC_CIDR given to web's entrypoint. */
  readonly vpcCidr: string;
  /** More environment for web's entrypoint (FORWARDED_HOPS, say). @default none */
  readonly webEnv?: Record<string, string>;
  /** Environment for uwsgi on top of what the app image sets (ENV). */
  readonly appEnv?: Record<string, string>;
  /** Serve test/docker/fixtures/slow_app.py (the sample app plus /slow?seconds=N) instead of app.py. */
  readonly slowApp?: boolean;
  /** Arguments after the image's uwsgi command (the benchmark's direct-HTTP baseline). */
  readonly extraAppArgs?: readonly string[];
  /** Benchmark only: a variant of the configuration files. */
  readonly variant?: BenchVariant;
  /** Benchmark only: how to know uwsgi is up when a variant moved it off the socket the health check uses. */
  readonly ready?: () => Promise<unknown>;
}

export interface Stack {
  readonly layout: HostLayout;
  readonly app: Server;
  readonly web: Server;
  url(path: string): string;
  /** Runs a contract health-check command on the host; resolves with its exit code. */
  runHealthCheck(command: readonly string[]): Promise<number>;
  /** Removes the temporary root (after the servers are stopped). */
  cleanUp(): void;
}

const PATH = `${process.env.PATH ?? ""}:/usr/sbin:/usr/bin:/sbin:/bin`;

/** ENV of the final stage of docker/<dir>/Dockerfile, as the container starts with it. */
export function imageEnv(imageDir: "app" | "node"): Record<string, string> {
  const stage = parseDockerfile(imageDir).final;
  return Object.fromEntries(instructionsOf(stage, "ENV").flatMap((i) => i.env ?? []));
}

function imageCommand(imageDir: "app" | "nginx", keyword: "CMD" | "ENTRYPOINT"): string[] {
  const [instruction] = instructionsOf(parseDockerfile(imageDir).final, keyword);
  if (!instruction?.json) throw new Error(`docker/${imageDir}/Dockerfile has no exec-form ${keyword}`);
  return instruction.json;
}

/** Lays out a fresh container root in a temporary directory. */
export async function newLayout(variant?: BenchVariant): Promise<HostLayout> {
  return layOutHost(mkdtempSync(join(tmpdir(), "fws-docker-")), await freePort(), variant);
}

export function healthCheckRunner(layout: HostLayout): (command: readonly string[]) => Promise<number> {
  return (command) => {
    const [file, ...args] = layout.hostCommand(command);
    return new Promise<number>((resolve) => {
      execFile(file, args, { timeout: 5000, env: { PATH } }, (error) =>
        resolve(error ? ((error as { code?: number }).code ?? 1) : 0),
      );
    });
  };
}

/** Starts uwsgi as the app image does and waits until its health check passes. */
export async function startApp(layout: HostLayout, options: Omit<StackOptions, "vpcCidr">): Promise<Server> {
  const args = imageCommand("app", "CMD").map(layout.hostPath);
  if (options.slowApp) {
    const fixtures = join(layout.root, "test-fixtures");
    mkdirSync(fixtures, { mode: 0o755 });
    copyFileSync(join(__dirname, "..", "fixtures", "slow_app.py"), join(fixtures, "slow_app.py"));
    args.push("--pythonpath", fixtures, "--module", "slow_app:application");
  }
  args.push(...(options.extraAppArgs ?? []));
  const app = startServer("app", args[0], [...DEBIAN_UWSGI_PLUGINS, ...args.slice(1)], {
    env: { PATH, ...imageEnv("app"), ...options.appEnv },
    user: { uid: APP_UID, gid: SHARED_GID },
    logDir: join(layout.root, "logs"),
  });
  const runHealthCheck = healthCheckRunner(layout);
  if (options.ready) {
    await options.ready();
  } else {
    await waitFor(
      "the app's health check",
      async () => ((await runHealthCheck(APP.healthCheckCommand)) === 0 ? true : undefined),
      10_000,
      app,
    );
  }
  return app;
}

/** Starts nginx through the web image's entrypoint and waits until its health check passes. */
export async function startWeb(
  layout: HostLayout,
  vpcCidr: string,
  env: Record<string, string> = {},
): Promise<Server> {
  const [entrypoint] = imageCommand("nginx", "ENTRYPOINT").map(layout.hostPath);
  const web = startServer("web", entrypoint, [], {
    env: { PATH, ...env, [WEB_ENV.vpcCidr]: vpcCidr },
    user: { uid: WEB_UID, gid: SHARED_GID },
    logDir: join(layout.root, "logs"),
  });
  const runHealthCheck = healthCheckRunner(layout);
  await waitFor(
    "web's health check",
    async () => ((await runHealthCheck(WEB.healthCheckCommand)) === 0 ? true : undefined),
    10_000,
    web,
  );
  return web;
}

/** Starts app, then web once app is healthy: the order ECS uses (web dependsOn app HEALTHY). */
export async function startStack(options: StackOptions): Promise<Stack> {
  const layout = await newLayout(options.variant);
  const app = await startApp(layout, options);
  const web = await startWeb(layout, options.vpcCidr, options.webEnv);
  return {
    layout,
    app,
    web,
    url: (p) => `http://127.0.0.1:${layout.webPort}${p}`,
    runHealthCheck: healthCheckRunner(layout),
    cleanUp: () => {
      if (existsSync(layout.root)) rmSync(layout.root, { recursive: true, force: true });
    },
  };
}
