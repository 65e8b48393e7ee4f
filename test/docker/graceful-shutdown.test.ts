/**
 * How the web + app task stops. ECS stops containers in reverse dependency order: web (which depends on app)
 * first, app once web has exited. It sends each the image's STOPSIGNAL where it honours it, SIGTERM where it
 * does not, then SIGKILL after stopTimeout. The images handle both.
 */
import { Agent } from "node:http";
import { httpRequest, jsonLines } from "./support/http";
import { armSafetyTimer, exitWithin, sleep, stopAll, waitFor } from "./support/processes";
import { type Stack, startStack } from "./support/stack";
import { ensureSystemPackages } from "./support/system-packages";

const stacks: Stack[] = [];
const start = async () => {
  const stack = await startStack({ vpcCidr: "127.0.0.2/32", slowApp: true });
  stacks.push(stack);
  return stack;
};

beforeAll(() => {
  armSafetyTimer(85_000);
  ensureSystemPackages(["nginx", "uwsgi"]);
}, 300_000);

afterAll(async () => {
  await stopAll();
  for (const stack of stacks) stack.cleanUp();
});

interface Outcome {
  readonly seq: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status?: number;
  readonly error?: string;
}

/**
 * A bounded load: `concurrency` clients on keep-alive connections, each sending requests until `stop()` or
 * the limits; every request carries its sequence number in the URI, so the access log says which ones nginx
 * accepted.
 */
function runLoad(
  url: (seq: number) => string,
  concurrency: number,
  limits: { requests: number; ms: number },
) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + limits.ms;
  let seq = 0;
  let stopped = false;
  const client = async () => {
    while (!stopped && seq < limits.requests && Date.now() < deadline) {
      const mine = seq++;
      const startedAt = Date.now();
      try {
        const response = await httpRequest(url(mine), { agent, timeoutMs: 5000 });
        outcomes.push({ seq: mine, startedAt, endedAt: Date.now(), status: response.status });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        outcomes.push({ seq: mine, startedAt, endedAt: Date.now(), error: code });
        // Connection refused: the server is gone; do not spin.
        await sleep(20);
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, client)).then(() => agent.destroy());
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

describe("stopping the web + app task", () => {
  it("in ECS's order under load, every request nginx accepted gets its answer", async () => {
    const stack = await start();
    // One request in eight takes 300 ms: some are always in flight.
    const isSlow = (seq: number) => seq % 8 === 0;
    const load = runLoad(
      (seq) => stack.url(isSlow(seq) ? `/slow?seconds=0.3&seq=${seq}` : `/?seq=${seq}`),
      12,
      {
        requests: 20_000,
        ms: 20_000,
      },
    );
    await sleep(1000);

    const stopWebAt = Date.now();
    stack.web.signal("SIGTERM");
    const web = await exitWithin(stack.web, 10_000);
    stack.app.signal("SIGTERM");
    const app = await exitWithin(stack.app, 10_000);
    await load.stop();

    expect(web).toEqual({ code: 0, signal: null });
    expect(app).toEqual({ code: 0, signal: null });

    const accepted = new Map(
      jsonLines(stack.web.stdout(), "nginx access log").flatMap((l) => {
        const seq = /[?&]seq=(\d+)/.exec(String(l.uri))?.[1];
        return seq === undefined ? [] : [[Number(seq), Number(l.status)] as const];
      }),
    );
    const answered = load.outcomes.filter((o) => o.status !== undefined);
    const failed = load.outcomes.filter((o) => o.status === undefined);
    // Everything nginx logged it answered with 200, and the client got that 200.
    expect([...accepted.values()].filter((status) => status !== 200)).toEqual([]);
    expect(answered.filter((o) => o.status !== 200)).toEqual([]);
    for (const seq of accepted.keys()) expect(load.outcomes.find((o) => o.seq === seq)?.status).toBe(200);
    // Requests that failed were never accepted: refused once nginx closed its socket, or sent on a keep-alive
    // connection nginx was closing.
    expect(failed.filter((o) => accepted.has(o.seq))).toEqual([]);
    expect(answered.length).toBeGreaterThan(50);
    // Requests nginx was working on when the signal came (sent at least 50 ms before it, still open) were
    // accepted whether or not nginx got to log them: each got its 200. A fast stop would reset them.
    const inFlight = load.outcomes.filter((o) => o.startedAt <= stopWebAt - 50 && o.endedAt >= stopWebAt);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.filter((o) => o.status !== 200)).toEqual([]);
  });

  it("web finishes a request in flight on SIGQUIT, the STOPSIGNAL of its image", async () => {
    const stack = await start();
    const inFlight = httpRequest(stack.url("/slow?seconds=1"));
    await sleep(300);
    stack.web.signal("SIGQUIT");

    expect((await inFlight).status).toBe(200);
    expect(await exitWithin(stack.web, 10_000)).toEqual({ code: 0, signal: null });
    await expect(httpRequest(stack.url("/"))).rejects.toThrow(/ECONNREFUSED/);
  });

  it("uwsgi finishes the request in flight on SIGTERM instead of reloading, then exits", async () => {
    const stack = await start();
    const inFlight = httpRequest(stack.url("/slow?seconds=1"));
    await sleep(300);
    stack.app.signal("SIGTERM");

    expect((await inFlight).status).toBe(200);
    expect(await exitWithin(stack.app, 10_000)).toEqual({ code: 0, signal: null });
    const messages = jsonLines(stack.app.stdout(), "uwsgi stdout").map((l) => String(l.message ?? ""));
    expect(messages.some((m) => m.includes("graceful shutdown triggered"))).toBe(true);
    expect(messages.some((m) => m.includes("goodbye to uWSGI"))).toBe(true);
    // nginx now has no app: 502, not a hang.
    await waitFor(
      "502 from nginx",
      async () => ((await httpRequest(stack.url("/"))).status === 502 ? true : undefined),
      3000,
    );
  });
});
