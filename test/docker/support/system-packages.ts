/**
 * The Debian packages the real-server tests and the benchmark need. Installs the missing ones when it can
 * (root: developers' machines here and CI); otherwise stops with a message naming what to install. Never
 * lets a test skip.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdirSync, rmdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { isRoot } from "./host-layout";

interface Tool {
  /** What must exist once the packages are installed: a command on PATH or an absolute file. */
  readonly needs: readonly string[];
  readonly packages: readonly string[];
}

export const TOOLS = {
  nginx: { needs: ["nginx"], packages: ["nginx"] },
  uwsgi: {
    // Debian splits uwsgi into a core and plugins; the images' pip-built uwsgi has these built in.
    needs: ["uwsgi", "/usr/lib/uwsgi/plugins/python3_plugin.so", "/usr/lib/uwsgi/plugins/logfile_plugin.so"],
    packages: ["uwsgi-core", "uwsgi-plugin-python3"],
  },
  wrk: { needs: ["wrk"], packages: ["wrk"] },
} as const satisfies Record<string, Tool>;
export type ToolName = keyof typeof TOOLS;

const SEARCH_PATH = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

function present(need: string): boolean {
  const candidates = need.startsWith("/") ? [need] : SEARCH_PATH.map((dir) => join(dir, need));
  return candidates.some((path) => {
    try {
      accessSync(path, need.startsWith("/") ? constants.R_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const missingPackages = (tools: readonly ToolName[]): string[] => [
  ...new Set(tools.flatMap((tool) => (TOOLS[tool].needs.every(present) ? [] : TOOLS[tool].packages))),
];

/** Two jest workers may both find a package missing: one installs while the other waits. */
function withInstallLock<T>(fn: () => T): T {
  const lock = join(tmpdir(), "fargate-web-stack-apt.lock");
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a lock older than any install belongs to a process that died
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 600_000) rmdirSync(lock, { recursive: false });
      if (Date.now() > deadline) throw new Error(`waited 300 s for another apt-get install (${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

/** Makes sure the tools are installed, installing their Debian packages as root if needed. */
export function ensureSystemPackages(tools: readonly ToolName[]): void {
  if (missingPackages(tools).length === 0) return;
  if (!isRoot()) {
    const packages = missingPackages(tools).join(" ");
    throw new Error(
      `test/docker runs the real servers and needs these Debian packages: ${packages}. Install them with ` +
        `"sudo apt-get install --no-install-recommends ${packages}" (or run the tests as root, which installs them).`,
    );
  }
  withInstallLock(() => {
    const packages = missingPackages(tools);
    if (packages.length === 0) return;
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const run = (args: string[]) =>
      execFileSync("apt-get", args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });
    try {
      run(["update"]);
      run(["install", "-y", "--no-install-recommends", ...packages]);
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
      throw new Error(`apt-get install ${packages.join(" ")} failed:\n${stderr}`);
    }
  });
  const stillMissing = missingPackages(tools);
  if (stillMissing.length > 0) {
    throw new Error(`installed, but still missing what these packages provide: ${stillMissing.join(" ")}`);
  }
}
