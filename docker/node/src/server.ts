/**
 * Sample Node.js service for the single-container path (the ALB talks to it directly): GET / and GET /health,
 * a request id on every response, one JSON access-log line per request on stdout, and a graceful stop on
 * SIGTERM. Node's standard library only.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

const port = Number(process.env.PORT ?? 3000);
/**
 * Proxies that append to X-Forwarded-For in front of this server: 1 (the ALB) or 2 (CloudFront, then the ALB).
 * The client is the entry that many from the right.
 */
const forwardedHops = Number(process.env.FORWARDED_HOPS ?? 1);
if (forwardedHops !== 1 && forwardedHops !== 2) {
  console.error(
    JSON.stringify({ message: `FORWARDED_HOPS: expected 1 or 2, got ${process.env.FORWARDED_HOPS}` }),
  );
  process.exit(64);
}

/** The client: the X-Forwarded-For entry the first proxy in front of us appended, else the peer. */
function clientAddress(req: IncomingMessage): string | undefined {
  const header = req.headers["x-forwarded-for"];
  const entries = typeof header === "string" ? header.split(",").map((e) => e.trim()) : [];
  return entries.length >= forwardedHops ? entries[entries.length - forwardedHops] : req.socket.remoteAddress;
}
/** All interfaces by default (the ALB reaches the task's ENI); the host tests bind 127.0.0.1. */
const host = process.env.HOST || undefined;
/** Longer than the ALB's 60 s idle timeout: the ALB, not this server, closes idle connections. */
const KEEP_ALIVE_TIMEOUT_MS = 75_000;
/** Open requests get this long after SIGTERM, inside ECS's 30 s stopTimeout. */
const SHUTDOWN_GRACE_MS = 25_000;

const ROUTES: Record<string, unknown> = {
  "/": { message: "hello from the node container" },
  "/health": { status: "ok" },
};

let stopping = false;

function respond(req: IncomingMessage, res: ServerResponse): void {
  const started = process.hrtime.bigint();
  // Like nginx's $request_id: generated here, never taken from the client.
  const requestId = randomBytes(16).toString("hex");
  const path = new URL(req.url ?? "/", "http://localhost").pathname;

  let status = 200;
  let payload = ROUTES[path];
  if (payload === undefined) {
    status = 404;
    payload = { error: "not found" };
  } else if (req.method !== "GET" && req.method !== "HEAD") {
    status = 405;
    payload = { error: "method not allowed" };
    res.setHeader("Allow", "GET, HEAD");
  }
  const body = `${JSON.stringify(payload)}\n`;
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Request-Id": requestId,
    "X-Content-Type-Options": "nosniff",
    // During a stop, tell keep-alive clients (the ALB) to open their next connection elsewhere.
    ...(stopping ? { Connection: "close" } : {}),
  });
  res.end(req.method === "HEAD" ? undefined : body);

  res.on("finish", () => {
    const line = {
      time: new Date().toISOString(),
      request_id: requestId,
      client_ip: clientAddress(req),
      peer_ip: req.socket.remoteAddress,
      method: req.method,
      uri: req.url,
      status,
      bytes: req.method === "HEAD" ? 0 : Buffer.byteLength(body),
      request_time: Number(process.hrtime.bigint() - started) / 1e9,
      user_agent: req.headers["user-agent"] ?? "",
      trace_id: req.headers["x-amzn-trace-id"] ?? "",
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  });
}

const server = createServer(respond);
server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
server.requestTimeout = 60_000;

function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  console.error(
    JSON.stringify({ time: new Date().toISOString(), message: `${signal}: stopping gracefully` }),
  );
  // Stops accepting, closes idle keep-alive connections, and calls back once open requests are answered.
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => {
    console.error(JSON.stringify({ time: new Date().toISOString(), message: "grace period over, exiting" }));
    process.exit(1);
  }, SHUTDOWN_GRACE_MS).unref();
}

process.on("SIGTERM", stop);
process.on("SIGINT", stop);

server.listen(port, host, () => {
  console.error(JSON.stringify({ time: new Date().toISOString(), message: `listening on port ${port}` }));
});
