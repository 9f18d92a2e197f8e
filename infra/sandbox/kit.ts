import type { IncomingMessage, ServerResponse } from "node:http";

/** A minimal router for the simulators: exact methods, `:param` segments, JSON in and out. */
export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  raw: Buffer;
  body: unknown;
}
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Route = { method: string; parts: string[]; fn: (req: SimRequest) => SimResponse | Promise<SimResponse> };

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, fn: Route["fn"]): this {
    this.routes.push({ method, parts: pattern.split("/").filter(Boolean), fn });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split("/").filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      if (
        route.parts.every((p, i) => {
          if (p.startsWith(":")) {
            params[p.slice(1)] = decodeURIComponent(parts[i] as string);
            return true;
          }
          return p === parts[i];
        })
      ) {
        return { route, params };
      }
    }
    return undefined;
  }
}

/** Faults the tests and the demo inject: the next N matching calls fail or slow down. */
export interface Fault {
  status?: number;
  count: number;
  latencyMs?: number;
  /** Only calls whose "METHOD /path?query" matches this regular expression. */
  match?: string;
  /** Let this many matching calls through first (fail a job half-way). */
  after?: number;
  /** Do the work first, then fail the answer (a response lost after the commit). */
  late?: boolean;
  /** Answer with this body instead of the system's usual error envelope. */
  body?: unknown;
}

/**
 * What is wrong with a fault, if anything: checked when it is set, so a bad one (an invalid `match`
 * regular expression) is refused then instead of failing every later sandbox call.
 */
export function faultProblem(input: unknown): string | undefined {
  const shape = 'a fault is {"count": N, "status"?, "match"?, "latencyMs"?, "after"?, "late"?, "body"?}';
  if (!input || typeof input !== "object" || Array.isArray(input)) return shape;
  const f = input as Record<string, unknown>;
  const whole = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  if (!whole(f.count, 1)) return `count: a positive integer (${shape})`;
  if (f.status !== undefined && !whole(f.status, 100, 599)) return "status: an HTTP status, 100-599";
  if (f.latencyMs !== undefined && !whole(f.latencyMs, 0, 600_000)) return "latencyMs: 0-600000";
  if (f.after !== undefined && !whole(f.after, 0)) return "after: a non-negative integer";
  if (f.late !== undefined && typeof f.late !== "boolean") return "late: true or false";
  if (f.match !== undefined) {
    if (typeof f.match !== "string") return "match: a regular expression (a string)";
    try {
      new RegExp(f.match);
    } catch (error) {
      return `match: not a valid regular expression: ${(error as Error).message}`;
    }
  }
  return undefined;
}

export class FaultInjector {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    const problem = faultProblem(fault);
    if (problem) throw new Error(`invalid fault: ${problem}`);
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  /** Faults not yet fired (tests assert 0, so a fault that never matched cannot pass silently). */
  get pending(): number {
    return this.faults.reduce((n, f) => n + f.count, 0);
  }

  /** The fault to apply to this call, consuming one of its count. */
  take(method: string, rawPath: string): Fault | undefined {
    // Match on the decoded path: "POST /api/resource/Sales Order", as a reader writes it.
    const path = safeDecode(rawPath);
    const fault = this.faults.find(
      (f) => f.count > 0 && (!f.match || new RegExp(f.match).test(`${method} ${path}`)),
    );
    if (fault?.after) {
      fault.after--;
      return undefined;
    }
    if (fault) fault.count--;
    this.faults = this.faults.filter((f) => f.count > 0);

    return fault;
  }
}

/**
 * Serves one call under the fault injector: the next matching fault delays it, fails it before the
 * work, or (a late fault) fails only the answer after the work was kept, as a gateway timeout after
 * the commit does, so a client that repeats the call meets its own first attempt.
 */
export async function withFaults(
  faults: FaultInjector,
  req: SimRequest,
  serve: (req: SimRequest) => Promise<SimResponse>,
  fail: (fault: Fault & { status: number }) => SimResponse,
): Promise<SimResponse> {
  const query = req.query.toString();
  const fault = faults.take(req.method, query ? `${req.path}?${query}` : req.path);
  if (fault?.latencyMs) await sleep(fault.latencyMs);
  const failing = fault?.status ? (fault as Fault & { status: number }) : undefined;
  if (failing && !failing.late) return fail(failing);
  const answer = await serve(req);
  return failing ? fail(failing) : answer;
}

/**
 * Delivers one webhook request as both systems do: a few quick tries (Frappe v14/v15 makes three,
 * then gives up silently; Wix retries too, compressed in time here), each with a 5 s timeout.
 * `onAttempt` sees every attempt's status (an HTTP status or the network error); the last is returned.
 */
export async function deliverWebhook(
  url: string,
  request: { headers: Record<string, string>; body: string },
  onAttempt: (status: number | string) => void = () => {},
  attempts = 3,
): Promise<number | string> {
  let status: number | string = "not sent";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(5000),
      });
      status = res.status;
      onAttempt(status);
      if (res.ok) break;
    } catch (error) {
      status = (error as Error).message;
      onAttempt(status);
    }
    if (attempt < attempts) await sleep(200 * attempt);
  }
  return status;
}

/**
 * Runs before each webhook delivery goes out. A system announces only what it has committed
 * (Frappe enqueues webhooks after the commit, frappe/integrations/doctype/webhook/__init__.py;
 * Wix after the write), so a host that persists a sandbox saves it here: a crash never leaves an
 * announced change that the sandbox no longer has.
 */
export type BeforeDelivery = () => void;

/**
 * Webhooks go out after the answer, from the system's own queue: `send` runs a delivery a moment
 * later in the background, `settled` resolves when every delivery so far is done or given up.
 */
export class Outbox {
  private readonly pending = new Set<Promise<void>>();

  send(deliver: () => Promise<unknown>): void {
    const delivery = (async () => {
      await sleep(5);
      await deliver();
    })();
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, out: SimResponse): void {
  const isText = typeof out.body === "string";
  const payload = out.body === undefined ? "" : isText ? (out.body as string) : JSON.stringify(out.body);
  res.writeHead(out.status, {
    "content-type": isText ? "text/plain; charset=utf-8" : "application/json",
    ...out.headers,
  });
  res.end(payload);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Monotonic Frappe timestamps with microseconds: changes in the same millisecond still order. */
export class FrappeClock {
  private last = 0;
  now(): string {
    const micros = Math.max(Date.now() * 1000, this.last + 1);
    this.last = micros;
    const ms = Math.floor(micros / 1000);
    const iso = new Date(ms).toISOString().replace("T", " ").slice(0, 19);
    return `${iso}.${String(micros % 1_000_000).padStart(6, "0")}`;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
