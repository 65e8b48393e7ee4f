/**
 * Stand-ins for the `aws`, `docker` and `curl` commands the pipeline's scripts (docker/ci/) call: executables in a
 * temporary bin directory put first on PATH, which record their arguments and answer as a test says. A call
 * nothing answers fails loudly, so a script cannot make a call its test did not expect.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const CI_DIR = join(__dirname, "..", "..", "docker", "ci");

/** How a stand-in answers the calls whose arguments include every string of `when`, in any order. */
export interface Answer {
  readonly when: readonly string[];
  readonly stdout?: string;
  readonly stderr?: string;
  /** @default 0 */
  readonly code?: number;
  /** Answers one call only; the next matching call gets the next answer. @default false */
  readonly once?: boolean;
}

export type Tool = "aws" | "docker" | "curl";

export interface StandIns {
  /** A fresh temporary directory: the scripts' working directory. */
  readonly dir: string;
  /** Runs a docker/ci script (bash) in `dir` with the stand-ins first on PATH and only the given environment. */
  run(script: string, args: string[], env?: Record<string, string>): SpawnSyncReturns<string>;
  /** Runs bash commands (a buildspec's, say) in `dir` as `run` does, stopping at the first that fails. */
  shell(commands: readonly string[], env?: Record<string, string>): SpawnSyncReturns<string>;
  /** Every call so far, in order, as [tool, ...arguments]. */
  calls(tool?: Tool): string[][];
  cleanup(): void;
}

// Reads the answers at every call, so a test may change them between runs.
const STAND_IN = (tool: Tool, dir: string) => `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(join(dir, "calls.jsonl"))}, JSON.stringify([${JSON.stringify(tool)}, ...args]) + "\\n");
const answers = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, `${tool}.json`))}, "utf8"));
const usedFile = ${JSON.stringify(join(dir, `${tool}.used.json`))};
const used = fs.existsSync(usedFile) ? JSON.parse(fs.readFileSync(usedFile, "utf8")) : [];
const index = answers.findIndex((a, i) => !used.includes(i) && a.when.every((w) => args.includes(w)));
if (index < 0) {
  process.stderr.write("stand-in ${tool}: no answer for: " + args.join(" ") + "\\n");
  process.exit(99);
}
const answer = answers[index];
if (answer.once) fs.writeFileSync(usedFile, JSON.stringify([...used, index]));
process.stdout.write(answer.stdout ?? "");
process.stderr.write(answer.stderr ?? "");
process.exit(answer.code ?? 0);
`;

/**
 * Makes stand-ins answering as told; `docker` answers every call with success unless told otherwise, `aws`
 * and `curl` nothing.
 */
export function standIns(answers: Partial<Record<Tool, readonly Answer[]>>): StandIns {
  const dir = mkdtempSync(join(tmpdir(), "fws-pipeline-"));
  const state = join(dir, ".stand-ins");
  const bin = join(state, "bin");
  mkdirSync(bin, { recursive: true });
  const all: Record<Tool, readonly Answer[]> = {
    aws: answers.aws ?? [],
    docker: answers.docker ?? [{ when: [] }],
    curl: answers.curl ?? [],
  };
  for (const tool of ["aws", "docker", "curl"] as const) {
    writeFileSync(join(state, `${tool}.json`), JSON.stringify(all[tool]));
    writeFileSync(join(bin, tool), STAND_IN(tool, state));
    chmodSync(join(bin, tool), 0o755);
  }
  writeFileSync(join(state, "calls.jsonl"), "");
  const bash = (args: string[], env: Record<string, string> = {}) =>
    spawnSync("bash", args, {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, ...env },
    });
  return {
    dir,
    run: (script, args, env) => bash([join(CI_DIR, script), ...args], env),
    shell: (commands, env) => bash(["-e", "-o", "pipefail", "-c", commands.join("\n")], env),
    calls: (tool) =>
      readFileSync(join(state, "calls.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[])
        .filter(([t]) => !tool || t === tool),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A digest as ECR writes it, made from a seed so each test image has its own. */
export const digestOf = (seed: string): string =>
  `sha256:${Buffer.from(seed.repeat(64)).toString("hex").slice(0, 64)}`;
