import { Agent, type Dispatcher, request } from "undici";
import { AuthError, HttpError, isAuthStatus, isRetryableStatus } from "../errors";
import type { RateBudget } from "./rate-budget";
import { rememberSecrets, scrub } from "./redact";
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, type RetryPolicy, sleep } from "./retry";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Overrides the client's retry policy for this call (e.g. 1 attempt for health probes). */
  retry?: RetryPolicy;
  /**
   * Whether sending it twice does no harm. Defaults to every method but POST; a POST that reads
   * (a search) or is guarded (a revision, a unique SKU) says so. A POST that may have been
   * committed before its answer was lost is not repeated here: the caller re-checks first.
   */
  idempotent?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** Turns an error answer into a readable message and details; each API has its own envelope. */
export type ErrorDescriber = (
  status: number,
  body: unknown,
  headers: HttpResponse["headers"],
) => { message: string; details: Record<string, unknown>; retryable?: boolean };

export interface HttpClientOptions {
  name: string;
  baseUrl: string;
  /** Produces auth headers per request (lets OAuth tokens refresh). */
  headers: () => Promise<Record<string, string>> | Record<string, string>;
  describeError: ErrorDescriber;
  retry?: RetryPolicy;
  timeoutMs?: number;
  budget?: RateBudget;
  /** Secret values that must never appear in an error message. */
  secrets?: readonly (string | undefined)[];
  /** Called before each retry (logging, metrics). */
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; reason: string }) => void;
}

/** Counts of requests made, for benchmarks and the health report. */
export interface CallStats {
  reads: number;
  writes: number;
  retries: number;
}

const dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 32 });

/** JSON over HTTP with timeouts, retries (backoff + jitter + Retry-After), a rate budget and typed errors. */
export class HttpClient {
  readonly stats: CallStats = { reads: 0, writes: 0, retries: 0 };
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const policy = req.retry ?? this.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(req);
      } catch (error) {
        const retryable =
          error instanceof HttpError &&
          !(error instanceof AuthError) &&
          error.retryable &&
          (safeToRepeat(req) || notProcessed(error));
        if (!retryable || attempt >= policy.attempts) throw error;
        const delayMs = backoffDelay(attempt, policy, (error as HttpError).retryAfterMs);
        this.stats.retries++;
        this.options.onRetry?.({
          attempt,
          delayMs,
          status: (error as HttpError).status || undefined,
          reason: (error as Error).message,
        });
        await sleep(delayMs);
      }
    }
  }

  private async once<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const { options } = this;
    await options.budget?.take();
    if (req.method === "GET") this.stats.reads++;
    else this.stats.writes++;
    const url = new URL(options.baseUrl.replace(/\/$/, "") + req.path);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json", ...(await options.headers()) };
    // Whatever authenticates us (an OAuth access token too) is scrubbed if anything echoes it.
    rememberSecrets(headers.authorization);
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] = "application/json";
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: req.method,
        headers,
        body,
        dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs + 1000),
      });
    } catch (error) {
      // Connection refused, reset or timed out: the request may not have been processed; retry.
      const reason = scrub((error as Error).message, options.secrets ?? []);
      throw new HttpError(`${options.name} ${req.method} ${req.path}: network error: ${reason}`, 0, true, {
        code: (error as { code?: string }).code,
      });
    }
    const text = await res.body.text();
    const parsed = parseBody(text);
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return { status: res.statusCode, headers: res.headers, body: parsed as T };
    }
    const described = options.describeError(res.statusCode, parsed, res.headers);
    const message = scrub(
      `${options.name} ${req.method} ${req.path} -> ${res.statusCode}: ${described.message}`,
      [...(options.secrets ?? [])],
    );
    const ErrorClass = isAuthStatus(res.statusCode) ? AuthError : HttpError;
    throw new ErrorClass(
      message,
      res.statusCode,
      isAuthStatus(res.statusCode) || (described.retryable ?? isRetryableStatus(res.statusCode)),
      described.details,
      parseRetryAfter(res.headers["retry-after"]),
    );
  }
}

function safeToRepeat(req: HttpRequest): boolean {
  return req.idempotent ?? req.method !== "POST";
}

/** Answers that say the request was not processed at all: repeating them is always safe. */
function notProcessed(error: HttpError): boolean {
  const code = error.details.code;
  return (
    error.status === 429 ||
    error.status === 503 ||
    (error.status === 0 && (code === "ECONNREFUSED" || code === "ENOTFOUND"))
  );
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
