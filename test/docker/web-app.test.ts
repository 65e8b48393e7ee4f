import { statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import {
  APP,
  APP_ENV,
  APP_ENV_DEFAULTS,
  APP_LISTEN_BACKLOG,
  APP_SOCKET_PATH,
  APP_UID,
  NGINX_TIMEOUTS,
  SHARED_GID,
  WEB,
} from "../../docker/contract";
import { isRoot } from "./support/host-layout";
import { httpRequest, jsonLines, rawResponseHead } from "./support/http";
import { armSafetyTimer, stopAll, waitFor } from "./support/processes";
import { type Stack, startStack } from "./support/stack";
import { ensureSystemPackages } from "./support/system-packages";

// A peer at 127.0.0.2 stands for the ALB inside the VPC; one at 127.0.0.1 is outside it.
const VPC_PEER = "127.0.0.2";

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  "strict-transport-security": "max-age=31536000",
  "cross-origin-opener-policy": "same-origin",
};

let stack: Stack;
let slowStack: Stack;

beforeAll(async () => {
  armSafetyTimer(85_000);
  ensureSystemPackages(["nginx", "uwsgi"]);
  [stack, slowStack] = await Promise.all([
    startStack({ vpcCidr: `${VPC_PEER}/32` }),
    // harakiri at 2 s instead of the image's 30 s, so a test can watch it act.
    startStack({ vpcCidr: `${VPC_PEER}/32`, slowApp: true, appEnv: { [APP_ENV.harakiriSeconds]: "2" } }),
  ]);
}, 300_000);

afterAll(async () => {
  await stopAll();
  stack?.cleanUp();
  slowStack?.cleanUp();
});

const accessLog = (s: Stack) => jsonLines(s.web.stdout(), "nginx access log");
const uwsgiLog = (s: Stack) => jsonLines(s.app.stdout(), "uwsgi stdout");
/** nginx flushes its buffered access log every second. */
const accessLogLine = (s: Stack, requestId: string) =>
  waitFor(
    `nginx access log line for ${requestId}`,
    () => accessLog(s).find((l) => l.request_id === requestId),
    3000,
  );
const requestLogLine = (s: Stack, requestId: string) =>
  waitFor(
    `uwsgi request log line for ${requestId}`,
    () => uwsgiLog(s).find((l) => l.request_id === requestId),
    3000,
  );

describe("web + app task, Debian's nginx and uwsgi running the images' configuration", () => {
  it("answers / and /health through nginx and uwsgi with JSON", async () => {
    const root = await httpRequest(stack.url("/"));
    expect(root.status).toBe(200);
    expect(root.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(root.body.toString())).toEqual({ message: "hello from the app container" });

    const health = await httpRequest(stack.url(WEB.healthPath ?? ""));
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toEqual({ status: "ok" });
  });

  it("passes the health-check commands ECS runs in each container", async () => {
    expect(await stack.runHealthCheck(WEB.healthCheckCommand)).toBe(0);
    expect(await stack.runHealthCheck(APP.healthCheckCommand)).toBe(0);
  });

  it("writes one JSON access-log line per request with id, status, bytes and timings", async () => {
    const response = await httpRequest(stack.url("/?probe=access-log"), {
      headers: { "User-Agent": "jest" },
    });
    const requestId = String(response.headers["x-request-id"]);
    const line = await accessLogLine(stack, requestId);

    expect(line).toMatchObject({
      method: "GET",
      uri: "/?probe=access-log",
      status: 200,
      bytes: response.body.length,
      client_ip: "127.0.0.1",
      user_agent: "jest",
    });
    expect(line.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof line.request_time).toBe("number");
    expect(typeof line.upstream_time).toBe("number");
    expect(Number.isNaN(Date.parse(String(line.time)))).toBe(false);
  });

  it("takes the client address from X-Forwarded-For only when the peer is in the VPC", async () => {
    const forwarded = { "X-Forwarded-For": "203.0.113.7, 198.51.100.9" };
    const fromVpc = await httpRequest(stack.url("/?probe=vpc"), {
      headers: forwarded,
      localAddress: VPC_PEER,
    });
    const fromOutside = await httpRequest(stack.url("/?probe=outside"), { headers: forwarded });

    // The ALB appends the address that connected to it: the last entry is the one to believe.
    expect(await accessLogLine(stack, String(fromVpc.headers["x-request-id"]))).toMatchObject({
      client_ip: "198.51.100.9",
      peer_ip: VPC_PEER,
    });
    expect(await accessLogLine(stack, String(fromOutside.headers["x-request-id"]))).toMatchObject({
      client_ip: "127.0.0.1",
      peer_ip: "127.0.0.1",
    });
  });

  it("propagates nginx's request id to the app and back, replacing one the client sent", async () => {
    const response = await httpRequest(stack.url("/"), { headers: { "X-Request-Id": 'forged"id' } });
    const requestId = response.headers["x-request-id"];

    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    expect((await accessLogLine(stack, String(requestId))).status).toBe(200);
    expect(await requestLogLine(stack, String(requestId))).toMatchObject({ type: "request", status: 200 });
  });

  it("sends the security headers on app responses, static files and nginx's own errors", async () => {
    const responses = await Promise.all([
      httpRequest(stack.url("/")),
      httpRequest(stack.url("/static/site.css")),
      httpRequest(stack.url("/static/missing.css")),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404]);
    for (const response of responses) {
      expect(response.headers).toMatchObject(SECURITY_HEADERS);
      expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
      expect(response.headers.server).toBe("nginx");
    }
  });

  it(`answers 413 to a body over ${NGINX_TIMEOUTS.clientBodyLimitMb} MB without reading it`, async () => {
    const tooLarge = NGINX_TIMEOUTS.clientBodyLimitMb * 1024 * 1024 + 1;
    const answer = await rawResponseHead(
      stack.layout.webPort,
      `POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: ${tooLarge}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain("x-content-type-options: nosniff");
  });

  it("passes a 1 MB body to the app through both servers' temporary files", async () => {
    const response = await httpRequest(stack.url("/"), { method: "POST", body: "x".repeat(1024 * 1024) });
    // nginx buffers it in /var/cache/nginx, uwsgi (post-buffering) in /tmp. The sample app only knows GET:
    // its 405, not nginx's 502, shows uwsgi read the whole body before the app answered.
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe("GET, HEAD");
  });

  it("serves /static/ from nginx with a year-long Cache-Control, gzip and Vary", async () => {
    const response = await httpRequest(stack.url("/static/site.css"), {
      headers: { "Accept-Encoding": "gzip" },
    });
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(response.headers.vary).toBe("Accept-Encoding");
    expect(gunzipSync(response.body).toString()).toContain(":root");

    const missing = await httpRequest(stack.url("/static/missing.css"));
    expect(missing.headers["cache-control"]).toBeUndefined();
  });

  it("writes uwsgi's request log, and everything else uwsgi prints, as JSON lines on stdout", async () => {
    const response = await httpRequest(stack.url("/?probe=uwsgi-log"));
    const line = await requestLogLine(stack, String(response.headers["x-request-id"]));

    expect(line).toMatchObject({ type: "request", method: "GET", status: 200, bytes: response.body.length });
    for (const field of ["time_ms", "duration_ms", "pid", "worker"])
      expect(typeof line[field]).toBe("number");
    expect(uwsgiLog(stack).filter((l) => l.type === "log").length).toBeGreaterThan(0);
  });

  it("runs the processes and threads the environment asks for, on the contract's socket and backlog", () => {
    const messages = uwsgiLog(stack).map((l) => String(l.message ?? ""));
    const workers = messages.filter((m) => /^spawned uWSGI worker \d+ /.test(m));
    expect(workers).toHaveLength(Number(APP_ENV_DEFAULTS.APP_PROCESSES));
    for (const worker of workers) expect(worker).toContain(`cores: ${APP_ENV_DEFAULTS.APP_THREADS})`);
    expect(messages).toContain(
      `your server socket listen backlog is limited to ${APP_LISTEN_BACKLOG} connections`,
    );

    const socket = statSync(stack.layout.hostPath(APP_SOCKET_PATH));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o660);
    if (isRoot()) expect([socket.uid, socket.gid]).toEqual([APP_UID, SHARED_GID]);
  });

  it("keeps nginx's stdout to JSON access-log lines and its errors on stderr", async () => {
    await httpRequest(stack.url("/?probe=stdout"));
    await waitFor("a flushed access log", () => (accessLog(stack).length > 0 ? true : undefined), 3000);
    expect(accessLog(stack).every((l) => typeof l.status === "number")).toBe(true);
  });
});

describe("a slow application", () => {
  it("is stopped by uwsgi's harakiri and nginx answers 502, then the app serves again", async () => {
    const started = Date.now();
    const response = await httpRequest(slowStack.url("/slow?seconds=10"));
    const seconds = (Date.now() - started) / 1000;

    expect(response.status).toBe(502);
    expect(seconds).toBeGreaterThanOrEqual(2);
    // harakiri acts within a second of its limit, long before the app's 10 s and nginx's own timeout.
    expect(seconds).toBeLessThan(8);
    const line = await accessLogLine(slowStack, String(response.headers["x-request-id"]));
    expect(line).toMatchObject({ status: 502, uri: "/slow?seconds=10" });
    expect(line.upstream_time).toBeGreaterThanOrEqual(1.9);
    expect(uwsgiLog(slowStack).some((l) => String(l.message).includes("HARAKIRI"))).toBe(true);
    expect(slowStack.web.stderr()).toContain("upstream prematurely closed connection");

    expect((await httpRequest(slowStack.url("/"))).status).toBe(200);
  });
});
