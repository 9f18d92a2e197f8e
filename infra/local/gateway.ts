/**
 * API Gateway, emulated: HTTP listeners with the body and time limits, the HTTP API's routes
 * (infra/routes.ts, the table the CDK stack deploys) handed the same API Gateway v2 event, and the
 * local control routes, which only loopback callers (and OPS_TOKEN holders) reach.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { errorMessage } from "#shared/errors";
import { scrub } from "#shared/http/redact";
import { API_ROUTES, type ApiFunctionName, routeKey } from "../routes";
import { type SimResponse, send } from "../sandbox/kit";
import type { ControlRequest } from "./control-plane";
import type { ApiHandler } from "./functions";

/** Webhook bodies are a JWT or a (thin or full) document: a few KB; 1 MB is far beyond any. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Any other body (sandbox bulk calls): API Gateway's own cap. */
export const BODY_LIMIT = 10 * 1024 * 1024;
export const TIMEOUTS = { headersMs: 10_000, requestMs: 30_000 };

/** Which listener took a request: the public one (PORT on HOST) or the loopback ops one (OPS_PORT). */
export type Listener = "public" | "ops";
type ListenedRequest = IncomingMessage & { listener?: Listener };
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Access {
  /** No ops listener: the control routes share the (loopback) public one. */
  opsOnPublic: boolean;
  /** This host's own origins: a browser page served by anyone else must not drive it. */
  ownOrigins: Set<string>;
  opsToken?: string;
}

export interface GatewayDeps {
  api: Record<ApiFunctionName, ApiHandler>;
  /** The control routes' answer, or undefined for a path none of them has. */
  control(req: ControlRequest): Promise<SimResponse | undefined>;
  access: Access;
  /** Called as each request arrives (a sandbox write is marked unsaved at once). */
  beforeRequest?(method: string, url: string): void;
  /** Called once each request is answered (the sandboxes' data is saved after writes). */
  afterRequest?(method: string, url: string): void;
}

/**
 * Listens on `port` at `address`. Requests get `handler()`'s answer, or 503 while it is undefined
 * (until start-up is complete: a webhook that comes early is retried by its sender).
 */
export async function listen(
  port: number,
  address: string,
  listener: Listener,
  timeouts: { headersMs: number; requestMs: number },
  handler: () => RequestHandler | undefined,
): Promise<Server> {
  const srv = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    // How often slow requests are looked for (Node's default is 30 s).
    connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
  });
  srv.on("request", (req, res) => {
    (req as ListenedRequest).listener = listener;
    (handler() ?? notReady)(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(port, address, () => resolve());
  });
  return srv;
}

const notReady: RequestHandler = (_req, res) =>
  send(res, {
    status: 503,
    body: { error: "starting, try again shortly" },
    headers: { connection: "close" },
  });

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The request handler of both listeners. */
export function gateway(deps: GatewayDeps): RequestHandler {
  return (req, res) => {
    deps.beforeRequest?.(req.method ?? "GET", req.url ?? "/");
    void route(req, res, deps)
      .catch((error) => {
        // A malformed percent-encoding anywhere in a path is the caller's mistake.
        if (error instanceof URIError)
          return send(res, { status: 400, body: { error: "malformed percent-encoding in the path" } });
        send(res, { status: 500, body: { error: scrub(errorMessage(error)) } });
      })
      .finally(() => deps.afterRequest?.(req.method ?? "GET", req.url ?? "/"));
  };
}

async function route(req: ListenedRequest, res: ServerResponse, deps: GatewayDeps): Promise<void> {
  const parsed = new URL(req.url ?? "/", "http://localhost");
  const path = parsed.pathname;
  const method = req.method ?? "GET";
  if (!isPublicPath(path)) {
    const refused = refusal(req, path, deps.access);
    if (refused) return send(res, refused);
  }
  const limit = path.startsWith("/webhooks/") ? WEBHOOK_BODY_LIMIT : BODY_LIMIT;
  const raw = await readLimited(req, limit);
  if (raw === TOO_LARGE) return refuseTooLarge(req, res, limit);

  const routes = API_ROUTES.filter((r) => r.path === path);
  if (routes.length) {
    const matched = routes.find((r) => r.method === method);
    if (!matched) return send(res, { status: 405, body: { error: `${method} not allowed on ${path}` } });
    return reply(res, await deps.api[matched.function](apiEvent(req, raw, parsed, routeKey(matched))));
  }
  const answer = await deps.control({ method, path, query: parsed.searchParams, headers: req.headers, raw });
  send(res, answer ?? { status: 404, body: { error: `no route ${path}` } });
}

/** Public routes: what ERPNext, Wix and a monitor call. Everything else is control (ops) surface. */
const isPublicPath = (path: string) =>
  path.startsWith("/webhooks/") || API_ROUTES.some((r) => r.path === path);
/** Routes that change or reveal the integration's state (not the sandboxes' own token-auth APIs). */
const isControlPath = (path: string) =>
  /^\/(jobs|dlq)(\/|$)/.test(path) || /^\/sandbox\/(wix\/[a-z0-9-]+\/|[^/]+\/)_/.test(path);

/**
 * Whether a control or sandbox request may be served here: undefined = yes, else the refusal.
 * "Loopback" is decided by the listener and the request, never by the socket address alone: a
 * reverse proxy on the same machine connects from loopback for everyone on the internet.
 */
function refusal(req: ListenedRequest, path: string, access: Access): SimResponse | undefined {
  if (req.listener === "public" && !access.opsOnPublic)
    return { status: 404, body: { error: `no route ${path}` } }; // served on OPS_PORT only
  const forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"].some((h) => req.headers[h] !== undefined);
  if (forwarded)
    return {
      status: 403,
      body: { error: "control routes answer direct loopback requests only, not proxied ones (see OPS_PORT)" },
    };
  const origin = req.headers.origin;
  if (origin !== undefined && !access.ownOrigins.has(origin))
    return { status: 403, body: { error: `cross-origin request from ${origin} refused` } };
  if (access.opsToken && isControlPath(path) && !bearerMatches(req.headers.authorization, access.opsToken))
    return {
      status: 401,
      body: { error: "control routes need Authorization: Bearer <OPS_TOKEN>" },
      headers: { "www-authenticate": "Bearer" },
    };
  return undefined;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim() ?? "";
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(digest(given), digest(token)); // constant time whatever the lengths
}

const TOO_LARGE = Symbol("too large");

/**
 * The body, or TOO_LARGE as soon as it is known to exceed `limit`: a declared Content-Length is
 * checked before anything is read, a streamed (chunked) body is counted as it comes.
 */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        resolve(TOO_LARGE);
      } else chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

/** 413 without reading the rest; the connection is closed, since the unread body is still on it. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  res.once("finish", () => {
    req.socket.end();
    setTimeout(() => req.socket.destroy(), 1000).unref();
  });
  send(res, {
    status: 413,
    body: { error: `request body over ${limit} bytes` },
    headers: { connection: "close" },
  });
}

/**
 * The HTTP API's payload format 2.0 event, as API Gateway hands it to the route's function:
 * lower-cased headers (repeated ones comma-joined), the raw query string, and a body that is
 * base64-encoded unless it is text.
 */
function apiEvent(req: IncomingMessage, raw: Buffer, url: URL, key: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;
  const text = raw.toString("utf8");
  // API Gateway passes non-text bodies base64-encoded; mirror it so the same decoding runs.
  const isBinary = !Buffer.from(text, "utf8").equals(raw);
  const rawQueryString = url.search.slice(1);
  const method = req.method ?? "GET";
  const now = new Date();
  return {
    version: "2.0",
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: queryParameters(url.searchParams) } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0] ?? "localhost",
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: crypto.randomUUID(),
      routeKey: key,
      stage: "$default",
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    body: isBinary ? raw.toString("base64") : text,
    isBase64Encoded: isBinary,
  };
}

/** The request time as API Gateway writes it: "12/Mar/2020:19:03:58 +0000". */
function clfTime(d: Date): string {
  const [, day = "", mon = "", year = "", time = ""] = d.toUTCString().split(" "); // "Thu, 12 Mar 2020 19:03:58 GMT"
  return `${day}/${mon}/${year}:${time} +0000`;
}

/** API Gateway joins a repeated query parameter's values with commas. */
function queryParameters(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(params.keys())) out[key] = params.getAll(key).join(",");
  return out;
}

function reply(res: ServerResponse, out: APIGatewayProxyStructuredResultV2): void {
  res.writeHead(out.statusCode ?? 200, (out.headers ?? {}) as Record<string, string>);
  res.end(out.body ?? "");
}
