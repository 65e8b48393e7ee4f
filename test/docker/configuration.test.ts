/**
 * The servers' configuration files against docker/contract.ts, web's entrypoint on its own, and the host-path
 * substitution the real-server tests rely on.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  APP,
  APP_ENV_DEFAULTS,
  APP_LISTEN_BACKLOG,
  APP_SOCKET_PATH,
  checkAlbIdleTimeout,
  DEFAULT_ALB_IDLE_TIMEOUT_SECONDS,
  NGINX_TIMEOUTS,
  NODE,
  SHARED_SOCKET_DIR,
  STOP_TIMEOUT_SECONDS,
  TASK_VOLUMES,
  WEB,
} from "../../docker/contract";
import { DOCKER_DIR } from "./support/dockerfiles";
import { CONTAINER_PATHS, type HostLayout, layOutHost } from "./support/host-layout";
import { ensureSystemPackages } from "./support/system-packages";

const read = (path: string) => readFileSync(join(DOCKER_DIR, path), "utf8");
const withoutComments = (text: string, marker: string) =>
  text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith(marker))
    .join("\n");
const nginxConf = withoutComments(read("nginx/nginx.conf"), "#");
const uwsgiIni = withoutComments(read("app/uwsgi.ini"), ";");

/** Every value of a directive, in file order. */
const directive = (name: string): string[] =>
  [...nginxConf.matchAll(new RegExp(`^[ \\t]*${name}[ \\t]+([^;{]+);`, "gm"))].map((m) => m[1].trim());
/** The body of `location <match> { ... }` (locations here do not nest). */
const location = (match: string): string => {
  const start = nginxConf.indexOf(`location ${match} {`);
  if (start < 0) throw new Error(`nginx.conf has no location ${match}`);
  return nginxConf.slice(start, nginxConf.indexOf("}", start));
};
const option = (name: string): string[] =>
  [...uwsgiIni.matchAll(new RegExp(`^${name}\\s*=\\s*(.+)$`, "gm"))].map((m) => m[1].trim());

describe("nginx.conf agrees with docker/contract.ts", () => {
  it("listens on web's port and answers its health path by asking the app", () => {
    expect(directive("listen")).toEqual([`${WEB.port} default_server`]);
    expect(location(`= ${WEB.healthPath}`)).toContain("uwsgi_pass app;");
  });

  it("passes requests to the app over the shared unix socket", () => {
    expect(directive("server")).toEqual([`unix:${APP_SOCKET_PATH}`]);
    expect(SHARED_SOCKET_DIR).toBe(dirname(APP_SOCKET_PATH));
  });

  it("has the contract's body limit and timeouts", () => {
    const t = NGINX_TIMEOUTS;
    expect(directive("client_max_body_size")).toEqual([`${t.clientBodyLimitMb}m`]);
    expect(directive("keepalive_timeout")).toEqual([`${t.keepaliveTimeoutSeconds}s`]);
    for (const name of ["client_header_timeout", "client_body_timeout", "send_timeout"]) {
      expect(directive(name)).toEqual([`${t.clientTimeoutSeconds}s`]);
    }
    expect(location("/")).toContain(`uwsgi_read_timeout ${t.upstreamReadTimeoutSeconds}s;`);
    expect(location("/")).toContain(`uwsgi_send_timeout ${t.clientTimeoutSeconds}s;`);
    expect(location(`= ${WEB.healthPath}`)).toContain(`uwsgi_read_timeout ${t.healthReadTimeoutSeconds}s;`);
    expect(directive("worker_shutdown_timeout")).toEqual([`${t.shutdownTimeoutSeconds}s`]);
  });

  it("writes only to web's writable paths: pid and temporary files", () => {
    const written = [...directive("pid"), ...directive("\\w+_temp_path")];
    expect(written.length).toBe(6);
    for (const path of written) expect(WEB.writablePaths.some((p) => path.startsWith(`${p}/`))).toBe(true);
    expect(directive("include")).toContain("/run/nginx/real-ip.conf");
    expect(directive("access_log")[0]).toMatch(/^\/dev\/stdout json\b/);
    expect(directive("error_log")).toEqual(["stderr warn"]);
  });

  it("turns server_tokens off and trusts X-Forwarded-For only from the file the entrypoint writes", () => {
    expect(directive("server_tokens")).toEqual(["off"]);
    expect(directive("real_ip_header")).toEqual(["X-Forwarded-For"]);
    expect(directive("set_real_ip_from")).toEqual([]);
  });
});

describe("uwsgi.ini agrees with docker/contract.ts", () => {
  it("listens on the shared socket, mode 0660, with the contract's backlog", () => {
    expect(option("socket")).toEqual([APP_SOCKET_PATH]);
    expect(option("chmod-socket")).toEqual(["660"]);
    expect(option("listen")).toEqual([String(APP_LISTEN_BACKLOG)]);
  });

  it("has the settings the issue asks for: master, need-app, strict, harakiri, max-requests", () => {
    for (const name of ["master", "need-app", "strict"]) expect(option(name)).toEqual(["true"]);
    expect(option("harakiri")).toEqual(["$(APP_HARAKIRI)"]);
    expect(option("max-requests")).toEqual(["$(APP_MAX_REQUESTS)"]);
    expect(option("hook-master-start")).toEqual(["unix_signal:15 gracefully_kill_them_all"]);
  });

  it("stops in time: harakiri before nginx's read timeout, graceful stops before ECS's SIGKILL", () => {
    expect(Number(APP_ENV_DEFAULTS.APP_HARAKIRI)).toBeLessThan(NGINX_TIMEOUTS.upstreamReadTimeoutSeconds);
    expect(Number(option("worker-reload-mercy")[0])).toBeLessThan(STOP_TIMEOUT_SECONDS);
    expect(NGINX_TIMEOUTS.shutdownTimeoutSeconds).toBeLessThan(STOP_TIMEOUT_SECONDS);
  });
});

describe("docker/contract.ts", () => {
  it("accepts the ALB's default idle timeout and explains the ones that do not fit", () => {
    expect(checkAlbIdleTimeout(DEFAULT_ALB_IDLE_TIMEOUT_SECONDS)).toBeUndefined();
    expect(checkAlbIdleTimeout(30)).toMatch(/longer than nginx's upstream read timeout \(45 s\)/);
    expect(checkAlbIdleTimeout(90)).toMatch(/shorter than nginx's keepalive_timeout \(75 s\)/);
  });

  it("lists each container's writable paths as the volumes it mounts read-write", () => {
    for (const contract of [WEB, APP]) {
      const mounts = TASK_VOLUMES.flatMap((v) => v.mounts).filter((m) => m.container === contract.name);
      expect(new Set(contract.writablePaths)).toEqual(
        new Set(mounts.filter((m) => !m.readOnly).map((m) => m.path)),
      );
    }
    expect(NODE.writablePaths).toEqual([]);
  });

  it("gives web the socket's volume read-only and app read-write", () => {
    const socketVolume = TASK_VOLUMES.find((v) => v.mounts.some((m) => m.path === SHARED_SOCKET_DIR));
    expect(socketVolume?.mounts).toEqual([
      { container: "app", path: SHARED_SOCKET_DIR, readOnly: false },
      { container: "web", path: SHARED_SOCKET_DIR, readOnly: true },
    ]);
  });
});

describe("the host layout: container paths and web's port are all that change", () => {
  let layout: HostLayout;
  beforeAll(() => {
    layout = layOutHost(mkdtempSync(join(tmpdir(), "fws-layout-")), 18_080);
  });
  afterAll(() => rmSync(layout.root, { recursive: true, force: true }));

  it("copies nginx.conf with only container paths and the listen port replaced", () => {
    const copied = readFileSync(layout.hostPath("/etc/nginx/nginx.conf"), "utf8");
    const restored = copied
      .replaceAll(layout.root, "")
      .replace("listen 127.0.0.1:18080", `listen ${WEB.port}`);
    expect(restored).toBe(read("nginx/nginx.conf"));
    expect(copied).toContain(`pid ${layout.root}/run/nginx/nginx.pid;`);
    // /etc/nginx/mime.types is Debian's, the same file in the image and on the host.
    expect(copied).toContain("include /etc/nginx/mime.types;");
  });

  it("uses every listed container path somewhere, so the list holds nothing stale", () => {
    const sources = [
      "nginx/nginx.conf",
      "nginx/snippets/uwsgi-params.conf",
      "nginx/snippets/security-headers.conf",
    ]
      .concat(["nginx/docker-entrypoint.sh", "nginx/Dockerfile", "app/uwsgi.ini", "app/Dockerfile"])
      .map(read)
      .join("\n")
      .concat(JSON.stringify([WEB.healthCheckCommand, APP.healthCheckCommand]));
    for (const path of CONTAINER_PATHS) expect(sources).toContain(path);
  });

  it("runs health-check commands with host paths and the host port", () => {
    expect(layout.hostCommand(WEB.healthCheckCommand)).toEqual([
      `${layout.root}/usr/local/bin/healthcheck`,
      "18080",
      "/health",
    ]);
    expect(layout.hostCommand(APP.healthCheckCommand)).toEqual([
      "python3",
      `${layout.root}/srv/app/healthcheck.py`,
      `${layout.root}${APP_SOCKET_PATH}`,
      "/health",
    ]);
  });

  it("gives Debian's nginx a configuration it accepts (nginx -t)", () => {
    ensureSystemPackages(["nginx"]);
    writeFileSync(layout.hostPath("/run/nginx/real-ip.conf"), "set_real_ip_from 10.0.0.0/16;\n");
    // What the entrypoint writes for FORWARDED_HOPS=1 (test/docker/client-address.test.ts runs both).
    writeFileSync(
      layout.hostPath("/run/nginx/client-address.conf"),
      "map $remote_addr $client_address {\n  default $remote_addr;\n}\n",
    );
    // nginx opens /dev/stdout for its access log: a file here, where a pipe or socket would be refused.
    const stdout = openSync(join(layout.root, "nginx-t.stdout"), "w");
    const result = spawnSync(
      "nginx",
      ["-t", "-e", "stderr", "-c", layout.hostPath("/etc/nginx/nginx.conf")],
      {
        encoding: "utf8",
        env: { PATH: `${process.env.PATH}:/usr/sbin` },
        stdio: ["ignore", stdout, "pipe"],
      },
    );
    closeSync(stdout);
    expect(result.stderr).toContain("test is successful");
  });
});

describe("web's entrypoint", () => {
  let layout: HostLayout;
  let fakeBin: string;
  const runEntrypoint = (vpcCidr: string | undefined, more: Record<string, string> = {}) =>
    spawnSync(layout.hostPath("/usr/local/bin/docker-entrypoint"), [], {
      encoding: "utf8",
      env: {
        PATH: `${fakeBin}:/usr/bin:/bin`,
        ...(vpcCidr === undefined ? {} : { VPC_CIDR: vpcCidr }),
        ...more,
      },
      timeout: 5000,
    });

  beforeAll(() => {
    layout = layOutHost(mkdtempSync(join(tmpdir(), "fws-entrypoint-")), 18_081);
    // A stand-in nginx that records how it was started and exits.
    fakeBin = join(layout.root, "fake-bin");
    execFileSync("mkdir", [fakeBin]);
    writeFileSync(join(fakeBin, "nginx"), `#!/bin/sh\necho "nginx $*" > "${layout.root}/nginx-args"\n`);
    chmodSync(join(fakeBin, "nginx"), 0o755);
  });
  afterAll(() => rmSync(layout.root, { recursive: true, force: true }));

  it("refuses to start without VPC_CIDR, naming the variable", () => {
    const result = runEntrypoint(undefined);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain("VPC_CIDR is not set");
    expect(existsSync(join(layout.root, "nginx-args"))).toBe(false);
  });

  it.each(["10.0.0.0", "10.0.0.0/", "10.0.0.0/16;", "10.0.0.0/16 include /etc/passwd"])(
    "refuses %j, which is not a list of CIDR blocks",
    (value) => {
      const result = runEntrypoint(value);
      expect(result.status).toBe(64);
      expect(result.stderr).toMatch(/VPC_CIDR: '.*' (is not a CIDR block|has no prefix length)/);
    },
  );

  it.each(["0", "3", "two"])(
    "refuses FORWARDED_HOPS=%s: only the ALB (1) or CloudFront then the ALB (2)",
    (hops) => {
      const result = runEntrypoint("10.0.0.0/16", { FORWARDED_HOPS: hops });
      expect(result.status).toBe(64);
      expect(result.stderr).toContain(
        `FORWARDED_HOPS: expected 1 (the ALB) or 2 (CloudFront, then the ALB), got '${hops}'`,
      );
    },
  );

  it("trusts X-Forwarded-For from each VPC CIDR block, then starts nginx with the image's configuration", () => {
    const result = runEntrypoint("10.0.0.0/16,100.64.0.0/16");
    expect(result.status).toBe(0);
    expect(readFileSync(layout.hostPath("/run/nginx/real-ip.conf"), "utf8")).toBe(
      "set_real_ip_from 10.0.0.0/16;\nset_real_ip_from 100.64.0.0/16;\n",
    );
    expect(readFileSync(join(layout.root, "nginx-args"), "utf8").trim()).toBe(
      `nginx -e stderr -c ${layout.hostPath("/etc/nginx/nginx.conf")}`,
    );
  });
});
