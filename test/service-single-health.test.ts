import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseEnvironment } from "../config/load";
import { configFromText, resourcesOf, synthConfig } from "./support/synth";

/** `containers: single`: the container's health check follows config, or is the image's own. */

const config = (single: string) => `
account: "123456789012"
region: eu-west-1
loadBalancer: { allowHttpWithoutDomain: true }
edge: { mode: alb-waf }
network: { cidr: 10.0.0.0/16, availabilityZones: [eu-west-1a, eu-west-1b] }
service:
  containers: single
  images: { single: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.0.0" }
  single: ${single}
`;

function healthCheckOf(single: string): string[] {
  const json = synthConfig(configFromText(config(single)));
  const [[, task]] = resourcesOf(json, "aws_ecs_task_definition");
  const [container] = JSON.parse(task.container_definitions);
  return container.healthCheck.command;
}

/** Runs an ECS `CMD` health check whose program is node, as the container would; resolves to its exit code. */
function run(command: string[]): Promise<number | null> {
  expect(command.slice(0, 2)).toEqual(["CMD", "node"]);
  const child = spawn(process.execPath, command.slice(2), { stdio: "ignore", timeout: 10_000 });
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

describe("the single container's health check", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // Healthy on /ready only, as an app whose config says healthPath: /ready.
    server = createServer((req, res) => {
      res.writeHead(req.url === "/ready" ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("asks the configured port and health path, and passes only when that path answers 2xx", async () => {
    const command = healthCheckOf(`{ port: ${port}, healthPath: /ready }`);
    expect(await run(command)).toBe(0);
    // The same app with the default path: the check asks /health, which this app does not serve.
    expect(await run(healthCheckOf(`{ port: ${port} }`))).toBe(1);
  });

  it("fails when nothing listens on the configured port", async () => {
    expect(await run(healthCheckOf("{ port: 1025, healthPath: /ready }"))).toBe(1);
  });

  it("is the image's own command, verbatim, when config gives one (an image without node)", () => {
    const own = ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8000/ready || exit 1"];
    expect(healthCheckOf(`{ port: 8000, healthCheckCommand: ${JSON.stringify(own)} }`)).toEqual(own);
    expect(healthCheckOf('{ healthCheckCommand: ["CMD", "/bin/healthy", "--fast"] }')).toEqual([
      "CMD",
      "/bin/healthy",
      "--fast",
    ]);
  });

  it("rejects a command that is neither CMD nor a single CMD-SHELL string", () => {
    const result = parseEnvironment(
      config('{ healthCheckCommand: ["curl", "-f", "http://127.0.0.1/"] }'),
      "config/test.yaml",
      "test",
    );
    expect("errors" in result ? result.errors : []).toEqual([
      'config/test.yaml: service.single.healthCheckCommand: expected ["CMD", program, ...arguments] or ["CMD-SHELL", "command"], got a list (["curl","-f","http://127.0.0.1/"])',
    ]);
  });
});
