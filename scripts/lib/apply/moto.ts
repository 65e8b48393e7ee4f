import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

/** The install a user needs when no python3 on this machine can run moto's server. */
export const MOTO_INSTALL = "pip install 'moto[server]'";

/**
 * A python3 that imports moto and flask (moto's server): FWS_PYTHON first, then `python3` on PATH, then
 * pyenv's shims, which a non-login shell may not have on PATH. Undefined when none can.
 */
export function findMotoPython(): string | undefined {
  const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), ".pyenv");
  const candidates = [process.env.FWS_PYTHON, "python3", join(pyenvRoot, "shims", "python3")];
  return candidates
    .filter((c): c is string => Boolean(c))
    .filter((c) => c === "python3" || existsSync(c))
    .find((c) => spawnSync(c, ["-c", "import moto, flask"], { stdio: "ignore" }).status === 0);
}

/** A hosted zone to create before the apply, with the id the config names. */
export interface HostedZone {
  readonly name: string;
  readonly id: string;
}

export interface MotoOptions {
  readonly python: string;
  /** The account id moto answers sts:GetCallerIdentity with. */
  readonly account: string;
  readonly zones: readonly HostedZone[];
  /** moto's request log goes here. */
  readonly logFile: string;
  /**
   * Prepares moto's IAM check (off until setMotoAuth): each request it refuses is appended here as one
   * JSON line (action, resource, caller), and bodiless requests verify (moto-auth-gaps.ts,
   * SIGNATURE_FIX). @default neither
   */
  readonly denialsFile?: string;
}

export interface Moto {
  readonly endpoint: string;
  readonly pid: number;
  /** Stops this moto process (by its pid) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Registers the zones' ids with moto's id manager (moto lets a caller choose a resource's id), creates
 * the zones in the account, then serves moto (as moto.server's main does) behind one wrapper:
 *
 * A retried call is answered with the first attempt's response. moto's server (werkzeug, one connection
 * per request) now and then resets a connection after it has handled the request; the SDK retries, and
 * a create answers "already exists", a delete "not found" (seen: CreateRole → EntityAlreadyExists in CI;
 * DeleteTargetGroup → TargetGroupNotFound; a retry with no response logged in the provider's debug log).
 * The SDK sends the same amz-sdk-invocation-id with every attempt of one call, so a later attempt whose
 * id was answered gets that answer again, as if the first response had arrived. Each replay is logged as
 * `REPLAY_MARK <attempt> <action>` and the scenario prints them.
 *
 * With a denials file, every request moto's IAM check refuses is recorded there first (moto's answer
 * names the action only for query-protocol services, EC2, IAM, SNS, ELB, and none names the resource it
 * checked), and a GET, HEAD or DELETE without a body is verified as signed: over an empty payload
 * (SIGNATURE_FIX).
 */
export const REPLAY_MARK = "fws-replayed-retry";
const LAUNCHER = `
import json, sys, threading
from collections import OrderedDict
from urllib.parse import parse_qs
from moto.route53.models import HostedZoneIdentifier, route53_backends
from moto.utilities.id_generator import moto_id_manager
from moto.iam.access_control import IAMRequestBase
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple
account, zones, port, denials = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if denials:
    checked = IAMRequestBase.check_action_permitted
    def recorded(self, resource):
        try:
            checked(self, resource)
        except Exception as error:
            if "AccessDenied" in type(error).__name__:
                with open(denials, "a") as out:
                    caller = getattr(self._access_key, "arn", "")
                    out.write(json.dumps({"action": self._action, "resource": resource, "caller": caller}) + "\\n")
            raise
    IAMRequestBase.check_action_permitted = recorded
    made = IAMRequestBase._create_aws_request
    def bodiless(self):
        request = made(self)
        if self._method in ("GET", "HEAD", "DELETE") and not self._body:
            request.data = b""
        return request
    IAMRequestBase._create_aws_request = bodiless
for zone in zones:
    name = zone["name"].rstrip(".") + "."
    moto_id_manager.set_custom_id(HostedZoneIdentifier(account, name, None), zone["id"])
    route53_backends[account]["aws"].create_hosted_zone(name, private_zone=False)
moto_app = DomainDispatcherApplication(create_backend_app)
moto_app.debug = True
answered, lock = OrderedDict(), threading.Lock()
def app(environ, start_response):
    key = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
    attempt = environ.get("HTTP_AMZ_SDK_REQUEST", "")
    with lock:
        first = answered.get(key) if key else None
    if first is not None:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        query = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        action = environ.get("HTTP_X_AMZ_TARGET") or query or environ["REQUEST_METHOD"] + " " + environ.get("PATH_INFO", "")
        print("${REPLAY_MARK}", attempt.replace(" ", ""), action, first[0], file=sys.stderr, flush=True)
        start_response(first[0], first[1])
        return [first[2]]
    seen = {}
    def capture(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers
        return lambda data: chunks.append(data)
    chunks = []
    result = moto_app(environ, capture)
    try:
        chunks.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    body = b"".join(chunks)
    if key:
        with lock:
            answered[key] = (seen["status"], seen["headers"], body)
            while len(answered) > 2000:
                answered.popitem(last=False)
    start_response(seen["status"], seen["headers"])
    return [body]
run_simple("127.0.0.1", port, app, threaded=True)
`;

/** Starts moto's server on a free loopback port and waits until it answers. */
export async function startMoto(options: MotoOptions): Promise<Moto> {
  const port = await freePort();
  const log = openSync(options.logFile, "a");
  const child = spawn(
    options.python,
    ["-c", LAUNCHER, options.account, JSON.stringify(options.zones), `${port}`, options.denialsFile ?? ""],
    {
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        MOTO_ACCOUNT_ID: options.account,
        // ACM certificates are issued at once instead of after moto's default 60 seconds.
        MOTO_ACM_VALIDATION_WAIT: "0",
      },
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  track(child);
  try {
    await waitUntilReady(endpoint, child, options.logFile);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { endpoint, pid: child.pid ?? -1, stop: () => stopChild(child) };
}

/**
 * Switches moto's IAM check on or off for every later request (`POST /moto-api/reset-auth`, which sets
 * INITIAL_NO_AUTH_ACTION_COUNT and restarts moto's request count): on, every signed request is checked
 * against its caller's identity policies; off, every request passes, as the account's root would.
 */
export async function setMotoAuth(endpoint: string, on: boolean): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, { method: "POST", body: on ? "0" : "inf" });
  if (!response.ok) throw new Error(`moto at ${endpoint}: reset-auth answered ${response.status}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`moto exited with ${child.exitCode} before answering; see ${logFile}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`moto did not answer on ${endpoint} within 60 s; see ${logFile}`);
}

/** Every moto this process started and has not stopped yet, so an interrupted run can end them. */
const running = new Set<ChildProcess>();

function track(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Kills every moto still running, by pid; for exit and signal handlers (synchronous). */
export function killRunningMotos(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  running.clear();
}
