/**
 * Which address the logs and the app see as the client, in every edge mode, with the real nginx and uwsgi
 * (Debian's, from the images' files) and the Node server. Each mode's X-Forwarded-For is what reaches the
 * container there: the ALB appends the address that connected to it; with CloudFront in front, CloudFront
 * first appends the viewer's, so the ALB's entry is a CloudFront address.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnvironmentConfig } from "../../config/load";
import { EDGE_MODES, type EdgeMode } from "../../config/schema/edge";
import { FORWARDED_HOPS_ENV, NODE, WEB } from "../../docker/contract";
import { serviceContainers } from "../../stacks/containers";
import { loadConfig } from "../support/synth";
import { httpRequest, jsonLines } from "./support/http";
import { armSafetyTimer, freePort, type Server, startServer, stopAll, waitFor } from "./support/processes";
import { type Stack, startStack } from "./support/stack";
import { ensureSystemPackages } from "./support/system-packages";

// A peer at 127.0.0.2 stands for the ALB inside the VPC; one at 127.0.0.1 is outside it.
const ALB = "127.0.0.2";
const VIEWER = "198.51.100.23";
const CLOUDFRONT_EDGE = "130.176.12.34";
/** What a viewer may claim: never believed. */
const SPOOFED = "203.0.113.66";

/** X-Forwarded-For as it reaches the task in each mode, for a viewer who sent a forged one. */
const CHAIN: Record<EdgeMode, string> = {
  none: `${SPOOFED}, ${VIEWER}`,
  "alb-waf": `${SPOOFED}, ${VIEWER}`,
  "cloudfront-public-alb": `${SPOOFED}, ${VIEWER}, ${CLOUDFRONT_EDGE}`,
  // The VPC origin's interfaces have addresses in the VPC.
  "cloudfront-vpc-origin": `${SPOOFED}, ${VIEWER}, 10.20.3.17`,
};

/** A container's environment in `mode`, as the stack builds it from config (prod's, or the single path's). */
function envIn(mode: EdgeMode, container: string, file = "config/prod.yaml"): Record<string, string> {
  const base = loadConfig(file);
  const config: EnvironmentConfig = { ...base, edge: { ...base.edge, mode } };
  return { ...serviceContainers(config, config.services[0]).find((c) => c.name === container)?.environment };
}
const webEnvIn = (mode: EdgeMode) => envIn(mode, WEB.name);

const stacks = new Map<string, Stack>();

beforeAll(async () => {
  armSafetyTimer(85_000);
  ensureSystemPackages(["nginx", "uwsgi"]);
  // One task per distinct web environment the modes produce (the VPC range stands in for the test's peer).
  const hops = [...new Set(EDGE_MODES.map((m) => webEnvIn(m)[FORWARDED_HOPS_ENV]))];
  const started = await Promise.all(
    hops.map((h) => startStack({ vpcCidr: `${ALB}/32`, webEnv: { [FORWARDED_HOPS_ENV]: h } })),
  );
  for (const [i, h] of hops.entries()) stacks.set(h, started[i]);
}, 300_000);

afterAll(async () => {
  await stopAll();
  for (const s of stacks.values()) s.cleanUp();
});

describe.each(EDGE_MODES)("edge mode %s, the real nginx and uwsgi", (mode) => {
  const stackOf = () => {
    const stack = stacks.get(webEnvIn(mode)[FORWARDED_HOPS_ENV]);
    if (!stack) throw new Error(`no task started for ${mode}`);
    return stack;
  };
  const logLines = async (stack: Stack, requestId: string) => ({
    nginx: await waitFor(
      `nginx's line for ${requestId}`,
      () => jsonLines(stack.web.stdout(), "nginx").find((l) => l.request_id === requestId),
      3000,
    ),
    uwsgi: await waitFor(
      `uwsgi's line for ${requestId}`,
      () => jsonLines(stack.app.stdout(), "uwsgi").find((l) => l.request_id === requestId),
      3000,
    ),
  });

  it("logs the viewer as the client in nginx and gives the app the viewer as REMOTE_ADDR", async () => {
    const stack = stackOf();
    const response = await httpRequest(stack.url(`/?mode=${mode}`), {
      headers: { "X-Forwarded-For": CHAIN[mode] },
      localAddress: ALB,
    });
    const { nginx, uwsgi } = await logLines(stack, String(response.headers["x-request-id"]));
    expect(nginx).toMatchObject({ client_ip: VIEWER, peer_ip: ALB });
    expect(uwsgi).toMatchObject({ client_ip: VIEWER });
  });

  it("believes no X-Forwarded-For from a peer outside the VPC", async () => {
    const stack = stackOf();
    const response = await httpRequest(stack.url(`/?mode=${mode}&from=outside`), {
      headers: { "X-Forwarded-For": CHAIN[mode] },
    });
    const { nginx, uwsgi } = await logLines(stack, String(response.headers["x-request-id"]));
    expect(nginx).toMatchObject({ client_ip: "127.0.0.1", peer_ip: "127.0.0.1" });
    expect(uwsgi).toMatchObject({ client_ip: "127.0.0.1" });
  });
});

describe.each(EDGE_MODES)("edge mode %s, the Node server (containers: single)", (mode) => {
  let root: string;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "fws-node-client-"));
    port = await freePort();
    const env = envIn(mode, NODE.name, "test/fixtures/configs/minimal.yaml");
    server = startServer(`node-${mode}`, process.execPath, ["--import", "tsx", "docker/node/src/server.ts"], {
      env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port), HOST: "127.0.0.1" },
      logDir: root,
    });
    await waitFor(
      "the node server",
      async () => (await httpRequest(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status,
      15_000,
      server,
    );
  }, 30_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("logs the viewer as the client: the X-Forwarded-For entry of the first proxy in front", async () => {
    const response = await httpRequest(`http://127.0.0.1:${port}/?mode=${mode}`, {
      headers: { "X-Forwarded-For": CHAIN[mode] },
    });
    const requestId = String(response.headers["x-request-id"]);
    const line = await waitFor(
      `node's line for ${requestId}`,
      () => jsonLines(server.stdout(), "node").find((l) => l.request_id === requestId),
      3000,
    );
    expect(line).toMatchObject({ client_ip: VIEWER });
  });
});
