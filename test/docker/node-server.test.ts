/**
 * The single-container Node image: its TypeScript compiled as the Dockerfile's build stage does (tsc with
 * docker/node/tsconfig.json), then run with node as the image's CMD, environment and user.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NODE, NODE_ENV_DEFAULTS } from "../../docker/contract";
import { DOCKER_DIR, instructionsOf, parseDockerfile } from "./support/dockerfiles";
import { httpRequest, jsonLines } from "./support/http";
import {
  armSafetyTimer,
  exitWithin,
  freePort,
  type Server,
  startServer,
  stopAll,
  waitFor,
} from "./support/processes";
import { imageEnv } from "./support/stack";

const TSC = join(__dirname, "..", "..", "node_modules", "typescript", "bin", "tsc");
let root: string;
let port: number;
let server: Server;
const url = (path: string) => `http://127.0.0.1:${port}${path}`;

/** Starts the compiled server as the image's CMD does, with the image's ENV and a free port. */
async function startNode(): Promise<Server> {
  port = await freePort();
  const [command, ...args] = instructionsOf(parseDockerfile("node").final, "CMD")[0].json ?? [];
  const [uid, gid] = NODE.user.split(":").map(Number);
  const started = startServer("node", command === "node" ? process.execPath : command, args, {
    cwd: root,
    env: { ...imageEnv("node"), PORT: String(port), HOST: "127.0.0.1" },
    user: { uid, gid },
    logDir: root,
  });
  await waitFor(
    "the node server",
    async () => (await httpRequest(url("/health")).catch(() => undefined))?.status,
    10_000,
    started,
  );
  return started;
}

const runHealthCheck = (): number => {
  const [, command, ...args] = NODE.healthCheckCommand;
  try {
    execFileSync(command === "node" ? process.execPath : command, args, {
      env: { PORT: String(port) },
      timeout: 5000,
    });
    return 0;
  } catch (error) {
    return (error as { status?: number }).status ?? 1;
  }
};

beforeAll(async () => {
  armSafetyTimer(85_000);
  root = mkdtempSync(join(tmpdir(), "fws-node-"));
  chmodSync(root, 0o755);
  execFileSync(process.execPath, [
    TSC,
    "-p",
    join(DOCKER_DIR, "node", "tsconfig.json"),
    "--outDir",
    join(root, "dist"),
  ]);
  server = await startNode();
}, 60_000);

afterAll(async () => {
  await stopAll();
  rmSync(root, { recursive: true, force: true });
});

describe("node image, its compiled server run with node", () => {
  it("answers / and /health with JSON and a request id", async () => {
    const home = await httpRequest(url("/"));
    const health = await httpRequest(url(NODE.healthPath ?? ""));

    expect(home.status).toBe(200);
    expect(JSON.parse(home.body.toString())).toEqual({ message: "hello from the node container" });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toEqual({ status: "ok" });
    for (const response of [home, health]) expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("listens on the contract's port by default and passes the health-check command ECS runs", async () => {
    expect(NODE_ENV_DEFAULTS.PORT).toBe(String(NODE.port));
    expect(imageEnv("node").PORT).toBe(String(NODE.port));
    expect(runHealthCheck()).toBe(0);
  });

  it("writes one JSON access-log line per request on stdout, with the id it answered", async () => {
    const response = await httpRequest(url("/?probe=log"), {
      headers: { "X-Forwarded-For": "203.0.113.7, 198.51.100.9", "X-Request-Id": "client-chosen" },
    });
    const requestId = String(response.headers["x-request-id"]);
    expect(requestId).not.toBe("client-chosen");

    const line = await waitFor(
      "the access log line",
      () => jsonLines(server.stdout(), "node stdout").find((l) => l.request_id === requestId),
      3000,
    );
    expect(line).toMatchObject({ method: "GET", uri: "/?probe=log", status: 200, client_ip: "198.51.100.9" });
    expect(line.bytes).toBe(response.body.length);
    expect(typeof line.request_time).toBe("number");
  });

  it("answers 404 and 405 as JSON", async () => {
    expect((await httpRequest(url("/missing"))).status).toBe(404);
    const post = await httpRequest(url("/"), { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("on SIGTERM stops accepting and exits 0 without waiting out an idle keep-alive connection", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await httpRequest(url("/"), { agent })).status).toBe(200);
    const signalledAt = Date.now();
    server.signal("SIGTERM");

    expect(await exitWithin(server, 10_000)).toEqual({ code: 0, signal: null });
    // Not the 75 s keep-alive timeout: idle connections are closed at once.
    expect(Date.now() - signalledAt).toBeLessThan(2000);
    agent.destroy();
    await expect(httpRequest(url("/"))).rejects.toThrow(/ECONNREFUSED/);
  });
});
