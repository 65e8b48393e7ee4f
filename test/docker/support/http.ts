import { type Agent, type IncomingHttpHeaders, request } from "node:http";
import { connect } from "node:net";

export interface Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Source address on the loopback, e.g. 127.0.0.2 to stand for a peer inside the VPC. */
  readonly localAddress?: string;
  readonly body?: string;
  readonly agent?: Agent;
  readonly timeoutMs?: number;
}

/** One HTTP request to 127.0.0.1; a new connection unless an agent is given. */
export function httpRequest(url: string, options: RequestOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        localAddress: options.localAddress,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 10_000} ms`)),
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * Sends raw bytes and returns the status line and headers the server answers, without waiting for the body:
 * enough for answers nginx gives before reading a request body (413).
 */
export function rawResponseHead(port: number, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const finish = () => {
      socket.destroy();
      resolve(received.split("\r\n\r\n")[0]);
    };
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on("connect", () => socket.write(text));
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n")) finish();
    });
    socket.on("close", () =>
      received.includes("\r\n\r\n") ? undefined : reject(new Error(`closed: ${received}`)),
    );
    socket.on("error", reject);
  });
}

/** Parses the JSON lines of a log, failing on any line that is not a JSON object. */
export function jsonLines(text: string, source: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value !== "object" || value === null || Array.isArray(value))
          throw new Error("not an object");
        return value as Record<string, unknown>;
      } catch (error) {
        throw new Error(`${source}: not a JSON object (${(error as Error).message}): ${line}`);
      }
    });
}
