/**
 * The one way the host tests (and scripts/bench-images.ts) run the images' own configuration files with
 * Debian's nginx and uwsgi, outside a container:
 *
 * - a temporary directory stands for the container's root filesystem;
 * - the files each image's Dockerfile COPYs are copied to <root><destination>, as the Dockerfile says;
 * - in those files, and in the health-check commands of docker/contract.ts, the container paths listed in
 *   CONTAINER_PATHS become <root><path>, and web's listen port becomes a free port on 127.0.0.1;
 * - the directories the images create for their volumes are created under <root> with the same owner and mode
 *   (when the tests run as root; otherwise the current user owns them).
 *
 * Nothing else in a file changes: no value, no directive. docs/images.md documents this list.
 */
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { APP_UID, SHARED_GID, WEB, WEB_UID } from "../../../docker/contract";
import { copySourcesAndDestination, DOCKER_DIR, instructionsOf, parseDockerfile } from "./dockerfiles";

/** Container paths that cannot exist on the host; each becomes <root><path>. */
export const CONTAINER_PATHS = [
  "/etc/nginx/nginx.conf",
  "/etc/nginx/snippets",
  "/srv/www",
  "/srv/app",
  "/usr/local/bin/docker-entrypoint",
  "/usr/local/bin/healthcheck",
  "/run/nginx",
  "/var/cache/nginx",
  "/run/uwsgi",
] as const;

/** Directories the base images create for their volumes: path, owner uid, mode. */
const VOLUME_DIRECTORIES: readonly { path: string; uid: number; mode: number }[] = [
  { path: "/run/nginx", uid: WEB_UID, mode: 0o750 },
  { path: "/var/cache/nginx", uid: WEB_UID, mode: 0o750 },
  { path: "/run/uwsgi", uid: APP_UID, mode: 0o750 },
  { path: "/tmp", uid: 0, mode: 0o1777 },
];

export const isRoot = (): boolean => process.getuid?.() === 0;

export interface HostLayout {
  /** The directory standing for the container root. */
  readonly root: string;
  /** The port nginx listens on, on 127.0.0.1. */
  readonly webPort: number;
  /** A container path (or a string containing them) as it is on the host. */
  hostPath(containerPath: string): string;
  /** A contract health-check command (without its "CMD") as it runs on the host. */
  hostCommand(command: readonly string[]): string[];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Only scripts/bench-images.ts uses this: it measures variants of the configuration (TCP instead of the
 * socket, logs off) by editing a copied file. The tests run the files as they are.
 */
export type BenchVariant = (containerPath: string, text: string) => string;

/** Creates the fake container root for web and app and copies the configuration files into it. */
export function layOutHost(root: string, webPort: number, variant?: BenchVariant): HostLayout {
  // Longest first, one pass: a replaced path is never rewritten again. A path only matches up to a separator,
  // so /run/nginx does not touch /run/nginx.pid.
  const paths = [...CONTAINER_PATHS].sort((a, b) => b.length - a.length);
  const pathPattern = new RegExp(`(${paths.map(escapeRegExp).join("|")})(?=[/\\s;"',)\\]]|$)`, "gm");
  const listenPattern = new RegExp(`\\blisten ${WEB.port}\\b`, "g");
  const substitute = (text: string): string =>
    text.replace(pathPattern, (path) => root + path).replace(listenPattern, `listen 127.0.0.1:${webPort}`);

  const layout: HostLayout = {
    root,
    webPort,
    hostPath: substitute,
    hostCommand: (command) =>
      command
        .filter((part, i) => !(i === 0 && part === "CMD"))
        .map((part) => (part === String(WEB.port) ? String(webPort) : substitute(part))),
  };

  for (const dir of ["etc", "srv", "usr/local/bin", "run", "var/cache", "logs"]) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  for (const { path, uid, mode } of VOLUME_DIRECTORIES) {
    const hostDir = root + path;
    mkdirSync(hostDir, { recursive: true });
    if (isRoot()) chownSync(hostDir, uid, SHARED_GID);
    chmodSync(hostDir, mode);
  }
  copyConfiguration("nginx", root, substitute, variant);
  copyConfiguration("app", root, substitute, variant);
  makeTraversable(root, new Set(VOLUME_DIRECTORIES.map((v) => root + v.path)));
  return layout;
}

/** Copies what docker/<imageDir>/Dockerfile COPYs, substituting container paths in every file. */
function copyConfiguration(
  imageDir: "nginx" | "app",
  root: string,
  substitute: (text: string) => string,
  variant: BenchVariant = (_, text) => text,
): void {
  const dockerfile = parseDockerfile(imageDir);
  for (const copy of instructionsOf(dockerfile.final, "COPY")) {
    const { sources, destination } = copySourcesAndDestination(copy);
    const mode = copy.flags.chmod ? Number.parseInt(copy.flags.chmod, 8) : undefined;
    for (const source of sources) {
      const from = join(DOCKER_DIR, imageDir, source);
      const to =
        destination.endsWith("/") && !statSync(from).isDirectory() ? join(destination, source) : destination;
      copyTree(from, root + to, (text) => substitute(variant(to, text)), mode);
    }
  }
}

function copyTree(from: string, to: string, substitute: (text: string) => string, mode?: number): void {
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) copyTree(join(from, entry), join(to, entry), substitute, mode);
    return;
  }
  mkdirSync(dirname(to), { recursive: true });
  const content = readFileSync(from);
  if (content.includes(0)) {
    cpSync(from, to);
  } else {
    writeFileSync(to, substitute(content.toString("utf8")));
  }
  chmodSync(to, mode ?? 0o644);
}

/** The servers run as the images' users: every directory but the volumes must be world-traversable. */
function makeTraversable(dir: string, volumes: ReadonlySet<string>): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !volumes.has(path)) makeTraversable(path, volumes);
  }
}
