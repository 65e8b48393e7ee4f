/**
 * Throughput and latency of the web + app images' configuration on this machine, with Debian's nginx and uwsgi
 * laid out exactly as the tests do (test/docker/support/host-layout.ts). Bounded wrk runs on 127.0.0.1 only.
 *
 *   direct        uwsgi serving HTTP itself (a connection per request), logging off: the app server's limit
 *   socket        the production path: nginx, JSON access log -> unix socket -> uwsgi, JSON request log -> app
 *   socket-nolog  the same with both logs off
 *   tcp           the production path over TCP on localhost instead of the unix socket
 *
 * Usage: node --import tsx scripts/bench-images.ts [--duration 10] [--connections 64] [--rounds 3]
 *        [--only direct,socket] [--app-env APP_THREADS=1,APP_PROCESSES=2]
 * Figures and the settings behind them: docs/images.md.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { parseArgs } from "node:util";
import { APP_SOCKET_PATH } from "../docker/contract";
import type { BenchVariant } from "../test/docker/support/host-layout";
import { freePort, stopAll, waitFor } from "../test/docker/support/processes";
import { newLayout, startApp, startWeb } from "../test/docker/support/stack";
import { ensureSystemPackages } from "../test/docker/support/system-packages";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
    "app-env": { type: "string" },
  },
});
const duration = Math.min(Number(values.duration), 30);
const connections = Math.min(Number(values.connections), 256);
const rounds = Math.min(Number(values.rounds), 5);
const appEnv = Object.fromEntries(
  (values["app-env"] ?? "")
    .split(",")
    .filter(Boolean)
    .map((pair) => pair.split("=") as [string, string]),
);

interface Result {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly errors: string;
}

interface Target {
  readonly name: string;
  readonly description: string;
  start(): Promise<{ url: string; cleanUp(): void }>;
}

const socketLine = `socket = ${APP_SOCKET_PATH}`;
const upstreamLine = `server unix:${APP_SOCKET_PATH};`;

/** Replaces `from` in the file at `containerPath`, failing loudly if the configuration no longer has it. */
function replaceIn(containerPath: string, from: string, to: string): BenchVariant {
  return (path, text) => {
    if (path !== containerPath) return text;
    if (!text.includes(from)) throw new Error(`${containerPath} no longer contains "${from}"`);
    return text.replace(from, to);
  };
}
const chain =
  (...variants: BenchVariant[]): BenchVariant =>
  (path, text) =>
    variants.reduce((t, v) => v(path, t), text);

const logsOff = chain(
  replaceIn("/srv/app/uwsgi.ini", "req-logger = stdio", "disable-logging = true"),
  replaceIn("/etc/nginx/nginx.conf", "access_log /dev/stdout json buffer=64k flush=1s;", "access_log off;"),
);

function waitForTcp(port: number): Promise<boolean> {
  return waitFor(
    `127.0.0.1:${port}`,
    () =>
      new Promise<boolean | undefined>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.destroy();
          resolve(true);
        });
        socket.on("error", () => resolve(undefined));
      }),
    10_000,
  );
}

async function fullPath(variant?: BenchVariant, tcpPort?: number) {
  const layout = await newLayout(variant);
  await startApp(layout, { appEnv, ...(tcpPort ? { ready: () => waitForTcp(tcpPort) } : {}) });
  await startWeb(layout, "127.0.0.2/32");
  return {
    url: `http://127.0.0.1:${layout.webPort}/`,
    cleanUp: () => rmSync(layout.root, { recursive: true, force: true }),
  };
}

const TARGETS: Target[] = [
  {
    name: "direct",
    description: "uwsgi serving HTTP itself, logging off",
    async start() {
      const port = await freePort();
      const layout = await newLayout(
        chain(
          replaceIn("/srv/app/uwsgi.ini", socketLine, `http-socket = 127.0.0.1:${port}`),
          replaceIn("/srv/app/uwsgi.ini", "req-logger = stdio", "disable-logging = true"),
        ),
      );
      await startApp(layout, { appEnv, ready: () => waitForTcp(port) });
      return {
        url: `http://127.0.0.1:${port}/`,
        cleanUp: () => rmSync(layout.root, { recursive: true, force: true }),
      };
    },
  },
  { name: "socket", description: "nginx -> unix socket -> uwsgi, both JSON logs", start: () => fullPath() },
  {
    name: "socket-nolog",
    description: "nginx -> unix socket -> uwsgi, logs off",
    start: () => fullPath(logsOff),
  },
  {
    name: "tcp",
    description: "nginx -> TCP 127.0.0.1 -> uwsgi, both JSON logs",
    async start() {
      const port = await freePort();
      return fullPath(
        chain(
          replaceIn("/srv/app/uwsgi.ini", socketLine, `socket = 127.0.0.1:${port}`),
          replaceIn("/etc/nginx/nginx.conf", upstreamLine, `server 127.0.0.1:${port};`),
        ),
        port,
      );
    },
  },
];

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (!match) return Number.NaN;
  return Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2] as "us" | "ms" | "s"];
}

function wrk(url: string, seconds: number): Promise<Result> {
  const args = ["-t2", `-c${connections}`, `-d${seconds}s`, "--timeout", "2s", "--latency", url];
  return new Promise((resolve, reject) => {
    execFile("wrk", args, { timeout: (seconds + 15) * 1000 }, (error, stdout) => {
      if (error) return reject(error);
      const percentile = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(stdout)?.[1] ?? "");
      const errors = [
        /Socket errors: .*/.exec(stdout)?.[0],
        /Non-2xx or 3xx responses: \d+/.exec(stdout)?.[0],
      ]
        .filter(Boolean)
        .join("; ");
      resolve({
        requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
        p50: percentile("50"),
        p90: percentile("90"),
        p99: percentile("99"),
        errors,
      });
    });
  });
}

/** CPU another process may use during one measurement (0.1 core over 5 s) before the round is repeated. */
const FOREIGN_CPU_LIMIT_SECONDS = 0.5;
const CLOCK_TICKS = 100;

/** CPU seconds used so far, and parent, of every process. */
function cpuSnapshot(): Map<number, { ppid: number; cpu: number }> {
  const processes = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name: state ppid ... utime (14th field) stime (15th).
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ").pop()?.split(" ") ?? [];
      processes.set(Number(entry), {
        ppid: Number(fields[1]),
        cpu: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
      });
    } catch {
      // exited meanwhile
    }
  }
  return processes;
}

/** CPU seconds used between two snapshots by processes that are not this script or its descendants. */
function foreignCpuSeconds(
  before: Map<number, { ppid: number; cpu: number }>,
  after: Map<number, { ppid: number; cpu: number }>,
): number {
  // This script's descendants (servers, wrk) and kernel threads (children of kthreadd, pid 2), which carry
  // the loopback traffic's softirq work, are not "other processes".
  const ours = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 0 && hops < 50; p = after.get(p)?.ppid ?? 0, hops++) {
      if (p === process.pid || p === 2) return true;
    }
    return false;
  };
  let total = 0;
  for (const [pid, { cpu }] of after) {
    if (!ours(pid)) total += cpu - (before.get(pid)?.cpu ?? 0);
  }
  return total;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  ensureSystemPackages(["nginx", "uwsgi", "wrk"]);
  console.error(
    `load average before: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
  );
  const only = values.only?.split(",");
  const targets = TARGETS.filter((t) => !only || only.includes(t.name));
  const results = new Map<string, Result[]>(targets.map((t) => [t.name, []]));

  // Rounds interleave the targets, so a slow moment of the machine does not favour one of them; a round
  // during which other processes (not this script's servers or wrk) used the CPUs is repeated.
  let kept = 0;
  for (let attempt = 1; kept < rounds && attempt <= rounds * 3; attempt++) {
    const round = new Map<string, Result>();
    let foreign = 0;
    for (const target of targets) {
      const running = await target.start();
      try {
        await wrk(running.url, 2);
        const before = cpuSnapshot();
        const result = await wrk(running.url, duration);
        const others = foreignCpuSeconds(before, cpuSnapshot());
        foreign = Math.max(foreign, others);
        round.set(target.name, result);
        console.error(
          `attempt ${attempt} ${target.name}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99} ms, ` +
            `other processes ${others.toFixed(2)} s CPU${result.errors ? ` (${result.errors})` : ""}`,
        );
      } finally {
        await stopAll();
        running.cleanUp();
      }
    }
    if (foreign > FOREIGN_CPU_LIMIT_SECONDS) {
      console.error(
        `attempt ${attempt}: other processes used ${foreign.toFixed(1)} s of CPU, round repeated`,
      );
      continue;
    }
    kept++;
    for (const [name, result] of round) results.get(name)?.push(result);
  }
  if (kept < rounds) throw new Error(`only ${kept} of ${rounds} rounds ran undisturbed: the machine is busy`);

  const direct = results.get("direct") ?? [];
  console.log(
    `\nwrk -t2 -c${connections} -d${duration}s --latency, GET / of the sample app, ${rounds} rounds`,
  );
  console.log(
    "req/s, latencies: median of the rounds; vs direct: median (range) of each round's ratio to direct\n",
  );
  console.log("| path | req/s | vs direct | p50 ms | p90 ms | p99 ms |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const target of targets) {
    const runs = results.get(target.name) ?? [];
    const rps = median(runs.map((r) => r.requestsPerSecond));
    // Direct and this path ran back to back in each round: their ratio is steadier than either figure.
    const ratios = runs.map((r, i) => r.requestsPerSecond / (direct[i]?.requestsPerSecond ?? Number.NaN));
    const percent = (x: number) => (x * 100).toFixed(0);
    const ratio =
      direct.length === runs.length
        ? `${percent(median(ratios))}% (${percent(Math.min(...ratios))}–${percent(Math.max(...ratios))})`
        : "-";
    const ms = (key: "p50" | "p90" | "p99") => median(runs.map((r) => r[key])).toFixed(2);
    console.log(
      `| ${target.name}: ${target.description} | ${rps.toFixed(0)} | ${ratio} | ${ms("p50")} | ${ms("p90")} | ${ms("p99")} |`,
    );
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopAll().finally(() => process.exit(130));
  });
}

main().catch(async (error: unknown) => {
  await stopAll();
  console.error(error);
  process.exitCode = 1;
});
