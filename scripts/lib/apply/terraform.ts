import { type ChildProcess, spawn } from "node:child_process";

/** One terraform run's output, and the first line of each error it reported. */
export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** `address: summary` of each error diagnostic, one line each; stderr's first line when there is none. */
  readonly errors: string[];
}

const running = new Set<ChildProcess>();

/** How long one terraform command may run: FWS_APPLY_TIMEOUT_MINUTES, 20 by default. */
export function commandTimeoutMs(): number {
  const minutes = Number(process.env.FWS_APPLY_TIMEOUT_MINUTES ?? "20");
  return (Number.isFinite(minutes) && minutes > 0 ? minutes : 20) * 60_000;
}

/**
 * Runs terraform asynchronously (so signal handlers can still run) with `-json` diagnostics. A command
 * still running after `timeoutMs` is killed with its process group and reports `<cmd>: timed out`.
 */
export function terraform(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = commandTimeoutMs(),
): Promise<TerraformRun> {
  return new Promise((resolve) => {
    // Its own process group, so the provider plugins it starts are killed with it (by the group's pid).
    const child = spawn("terraform", args, { cwd, env, detached: true });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    const finish = (status: number) => {
      clearTimeout(timer);
      running.delete(child);
      if (timedOut) {
        const errors = [`terraform ${args[0]}: timed out after ${Math.round(timeoutMs / 1000)} s`];
        resolve({ status: 124, stdout, stderr, errors });
        return;
      }
      const errors = errorLines(stdout);
      if (status !== 0 && status !== 2 && errors.length === 0)
        errors.push(`terraform ${args[0]}: exit ${status}: ${firstLine(stderr || stdout)}`);
      resolve({ status, stdout, stderr, errors });
    };
    child.once("error", (e) => {
      stderr += e.message;
      finish(127);
    });
    child.once("close", (code) => finish(code ?? 1));
  });
}

/** Kills every terraform still running with its provider plugins, by process group. */
export function killRunningTerraforms(): void {
  for (const child of running) killGroup(child);
  running.clear();
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** init's summary line above the real errors: it says nothing of its own. */
const GENERIC = /^Terraform encountered problems during initialisation/;

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  address?: string;
}

/** The error diagnostics of a `-json` run, as `address: summary` (the detail's first line when short). */
export function errorLines(jsonLines: string): string[] {
  const errors = new Set<string>();
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line) as { type: string; diagnostic?: Diagnostic };
    const d = message.diagnostic;
    if (message.type !== "diagnostic" || !d || d.severity !== "error" || GENERIC.test(d.summary)) continue;
    const detail = d.summary.length < 60 && d.detail ? `: ${firstLine(d.detail)}` : "";
    errors.add(`${d.address ? `${d.address}: ` : ""}${firstLine(d.summary)}${detail}`);
  }
  return [...errors];
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim() !== "") ?? "").trim().slice(0, 500);
}
