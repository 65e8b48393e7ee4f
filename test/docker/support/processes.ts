/**
 * Servers started by the tests: each in its own process group, its stdout and stderr in files, killed by
 * stopAll() (afterAll), by a safety timer, and when the test process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chownSync, closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { isRoot } from "./host-layout";

export interface Server {
  readonly name: string;
  readonly pid: number;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  stdout(): string;
  stderr(): string;
  /** Sends a signal to the process itself (not its group), as a container runtime does to PID 1. */
  signal(signal: NodeJS.Signals): void;
}

export interface StartOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Run as this user and group when the tests run as root (the image's USER). */
  readonly user?: { uid: number; gid: number };
  readonly logDir: string;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

process.on("exit", () => {
  for (const child of running) killGroup(child);
});

/** Kills every server still running (their whole process groups) and waits until they are gone. */
export async function stopAll(): Promise<void> {
  const children = [...running];
  for (const child of children) killGroup(child);
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once("exit", () => resolve());
        }),
    ),
  );
}

/** Kills everything after `ms` even if afterAll never runs (a hung test). */
export function armSafetyTimer(ms: number): void {
  setTimeout(() => {
    for (const child of running) killGroup(child);
  }, ms).unref();
}

export function startServer(name: string, command: string, args: string[], options: StartOptions): Server {
  const stdoutPath = join(options.logDir, `${name}.stdout`);
  const stderrPath = join(options.logDir, `${name}.stderr`);
  const out = openSync(stdoutPath, "w");
  const err = openSync(stderrPath, "w");
  const asUser = isRoot() && options.user;
  if (asUser) {
    // nginx reopens /dev/stdout: the file must belong to the user it runs as.
    chownSync(stdoutPath, asUser.uid, asUser.gid);
    chownSync(stderrPath, asUser.uid, asUser.gid);
  }
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...options.env },
    stdio: ["ignore", out, err],
    detached: true,
    ...(asUser ? { uid: asUser.uid, gid: asUser.gid } : {}),
  });
  closeSync(out);
  closeSync(err);
  running.add(child);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      done = true;
      running.delete(child);
      resolve({ code, signal });
    });
    child.once("error", () => {
      done = true;
      running.delete(child);
      resolve({ code: 127, signal: null });
    });
  });
  const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : "");
  return {
    name,
    pid: child.pid ?? -1,
    stdoutPath,
    stderrPath,
    exited,
    hasExited: () => done,
    stdout: () => read(stdoutPath),
    stderr: () => read(stderrPath),
    signal: (signal) => {
      if (!done) child.kill(signal);
    },
  };
}

/** The server's exit status, or a failure naming it if it is still running after `ms`. */
export async function exitWithin(
  server: Server,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`${server.name} still running ${ms} ms after its stop signal:\n${server.stderr()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value, or fails with `what` and the server's stderr after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  server?: Server,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (server?.hasExited()) {
      throw new Error(
        `${server.name} exited while waiting for ${what}:\n${server.stderr()}${server.stdout()}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${server ? `:\n${server.stderr()}` : ""}`,
      );
    }
    await sleep(50);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}
