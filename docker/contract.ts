/**
 * What the container images promise to the task definition: ports, health checks, users, the paths that need
 * a volume under a read-only root filesystem, the environment variables the configuration reads, and the
 * timeouts the load balancer has to agree with.
 *
 * The images are the source of these values; test/docker checks that the Dockerfiles and the server
 * configurations say the same thing. Plain data, no AWS imports: the service module reads it.
 */

/** One container of the task, as the image built from docker/<name> expects to be run. */
export interface ContainerContract {
  /** Container name in the task definition. */
  readonly name: "web" | "app" | "node";
  /** TCP port the container listens on; absent when it only listens on a unix socket. */
  readonly port?: number;
  /** HTTP path that answers 200 while the container (and what it fronts) can serve. */
  readonly healthPath?: string;
  /** ECS `healthCheck.command`; uses only what the image carries. */
  readonly healthCheckCommand: readonly string[];
  /** Numeric "uid:gid" the image's USER runs as; set it as the container definition's `user`. */
  readonly user: string;
  /** Container paths that need a writable volume when `readonlyRootFilesystem` is true. */
  readonly writablePaths: readonly string[];
  /** The signal the image declares (STOPSIGNAL) and what the server does with it. */
  readonly stopSignalNote?: string;
}

/** Group shared by web and app, so nginx can connect to the socket uwsgi creates (mode 0660). */
export const SHARED_GID = 10000;
export const WEB_UID = 10001;
export const APP_UID = 10002;

/**
 * nginx reaches uwsgi over a unix socket in a task volume mounted by both containers (read-only in web:
 * connecting to a socket needs no write access to the filesystem). Chosen over TCP on localhost by
 * measurement: see docs/images.md.
 */
export const SHARED_SOCKET_DIR: string | undefined = "/run/uwsgi";
export const APP_SOCKET_PATH = "/run/uwsgi/app.sock";

/** uwsgi's listen backlog; the task's `net.core.somaxconn` must be at least this (Fargate's default is 4096). */
export const APP_LISTEN_BACKLOG = 1024;

/** Environment variables web's entrypoint reads (nginx itself reads none). */
export const WEB_ENV = {
  /**
   * VPC CIDR block(s), comma-separated: the only peers whose X-Forwarded-For nginx believes. Required: the
   * entrypoint refuses to start without it rather than trust a guessed range.
   */
  vpcCidr: "VPC_CIDR",
} as const;

/**
 * How many proxies append to X-Forwarded-For in front of the container: the ALB alone (1), or CloudFront and
 * then the ALB (2). The client is the entry that many from the right: CloudFront appends the viewer, the ALB
 * then the address that connected to it (a CloudFront edge, or its VPC origin interface). web's entrypoint and
 * the Node server read it; both default to 1.
 */
export const FORWARDED_HOPS_ENV = "FORWARDED_HOPS";

/** FORWARDED_HOPS for a service with CloudFront in front of its load balancer, or not. */
export function forwardedHops(cloudfrontInFront: boolean): 1 | 2 {
  return cloudfrontInFront ? 2 : 1;
}

/** Environment variables uwsgi.ini reads, with the defaults the app image sets (ENV). */
export const APP_ENV = {
  processes: "APP_PROCESSES",
  threads: "APP_THREADS",
  harakiriSeconds: "APP_HARAKIRI",
  maxRequests: "APP_MAX_REQUESTS",
} as const;

export const APP_ENV_DEFAULTS: Readonly<Record<(typeof APP_ENV)[keyof typeof APP_ENV], string>> = {
  APP_PROCESSES: "2",
  APP_THREADS: "1",
  APP_HARAKIRI: "30",
  APP_MAX_REQUESTS: "200000",
};

/** Environment variables the Node image reads, with the defaults it sets (ENV). */
export const NODE_ENV_DEFAULTS: Readonly<Record<string, string>> = { PORT: "3000" };

/**
 * nginx's limits and timeouts. The ALB idle timeout (default 60 s) must sit between
 * `upstreamReadTimeoutSeconds` and `keepaliveTimeoutSeconds`: see {@link checkAlbIdleTimeout}.
 */
export const NGINX_TIMEOUTS = {
  /** `client_max_body_size`; larger bodies get 413. */
  clientBodyLimitMb: 10,
  /** Longer than the ALB idle timeout, so the ALB closes idle connections, never nginx under it. */
  keepaliveTimeoutSeconds: 75,
  /** `uwsgi_read_timeout`: longer than uwsgi's harakiri, so the app server's own limit acts first. */
  upstreamReadTimeoutSeconds: 45,
  /** `uwsgi_read_timeout` of `/health`: the ALB's health check times out after 5 s by default. */
  healthReadTimeoutSeconds: 5,
  /** `client_header_timeout`, `client_body_timeout`, `send_timeout`, `uwsgi_send_timeout`. */
  clientTimeoutSeconds: 60,
  /** `worker_shutdown_timeout`: a graceful stop ends within this, inside ECS's `stopTimeout`. */
  shutdownTimeoutSeconds: 25,
} as const;

/** ECS `stopTimeout` the images are built for: longer than nginx's and uwsgi's graceful-stop limits. */
export const STOP_TIMEOUT_SECONDS = 30;

/** The ALB idle timeout AWS sets when none is given. */
export const DEFAULT_ALB_IDLE_TIMEOUT_SECONDS = 60;

/**
 * Why an ALB idle timeout would not fit these images, or undefined when it does.
 * Too short and the ALB cuts requests nginx still waits for; not shorter than nginx's keepalive and the ALB
 * may reuse a connection nginx is closing (a 502 at the ALB).
 */
export function checkAlbIdleTimeout(idleTimeoutSeconds: number): string | undefined {
  const { upstreamReadTimeoutSeconds: read, keepaliveTimeoutSeconds: keepalive } = NGINX_TIMEOUTS;
  if (idleTimeoutSeconds <= read) {
    return `ALB idle timeout ${idleTimeoutSeconds} s must be longer than nginx's upstream read timeout (${read} s)`;
  }
  if (idleTimeoutSeconds >= keepalive) {
    return `ALB idle timeout ${idleTimeoutSeconds} s must be shorter than nginx's keepalive_timeout (${keepalive} s)`;
  }
  return undefined;
}

export const WEB: ContainerContract = {
  name: "web",
  port: 8080,
  healthPath: "/health",
  // bash's /dev/tcp: the image needs no curl. The script asks nginx for /health, which nginx passes to the app.
  healthCheckCommand: ["CMD", "/usr/local/bin/healthcheck", "8080", "/health"],
  user: `${WEB_UID}:${SHARED_GID}`,
  writablePaths: ["/run/nginx", "/var/cache/nginx"],
  stopSignalNote:
    "STOPSIGNAL SIGQUIT (nginx's graceful stop); the entrypoint turns SIGTERM into SIGQUIT too, so nginx " +
    "finishes the requests it accepted whichever signal ECS sends, within worker_shutdown_timeout (25 s).",
};

export const APP: ContainerContract = {
  name: "app",
  healthCheckCommand: ["CMD", "python3", "/srv/app/healthcheck.py", APP_SOCKET_PATH, "/health"],
  user: `${APP_UID}:${SHARED_GID}`,
  writablePaths: ["/run/uwsgi", "/tmp"],
  stopSignalNote:
    "STOPSIGNAL SIGTERM; uwsgi.ini maps SIGTERM to gracefully_kill_them_all: workers finish their current " +
    "request (worker-reload-mercy 25 s), then uwsgi exits. ECS stops web first, so no new requests arrive.",
};

/**
 * An ECS health check that asks `http://127.0.0.1:<port><path>` with the image's `node` (18 or later: global
 * fetch), 3 s timeout, healthy on a 2xx. What the single-container path runs unless config gives the image's
 * own command (`service.single.healthCheckCommand`).
 */
export function nodeHealthCheckCommand(port: number, path: string): string[] {
  return [
    "CMD",
    "node",
    "-e",
    `fetch(${JSON.stringify(`http://127.0.0.1:${port}${path}`).replace(/"/g, "'")},{signal:AbortSignal.timeout(3000)})` +
      ".then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
  ];
}

export const NODE: ContainerContract = {
  name: "node",
  port: 3000,
  healthPath: "/health",
  healthCheckCommand: [
    "CMD",
    "node",
    "-e",
    "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health',{signal:AbortSignal.timeout(3000)})" +
      ".then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
  ],
  user: "1000:1000",
  writablePaths: [],
  stopSignalNote: "STOPSIGNAL SIGTERM; the server stops accepting, finishes open requests, then exits.",
};

/** A task-level volume (ECS bind mount on Fargate's ephemeral storage) and where each container mounts it. */
export interface TaskVolume {
  readonly name: string;
  readonly mounts: readonly {
    readonly container: "web" | "app";
    readonly path: string;
    readonly readOnly: boolean;
  }[];
}

/**
 * Every volume the web + app task needs. Each image declares these paths as VOLUME with the right owner, so
 * Fargate copies the ownership into the fresh volume (otherwise it is root-owned 0755).
 */
export const TASK_VOLUMES: readonly TaskVolume[] = [
  { name: "nginx-run", mounts: [{ container: "web", path: "/run/nginx", readOnly: false }] },
  { name: "nginx-cache", mounts: [{ container: "web", path: "/var/cache/nginx", readOnly: false }] },
  {
    name: "uwsgi-socket",
    mounts: [
      { container: "app", path: "/run/uwsgi", readOnly: false },
      { container: "web", path: "/run/uwsgi", readOnly: true },
    ],
  },
  { name: "app-tmp", mounts: [{ container: "app", path: "/tmp", readOnly: false }] },
];
