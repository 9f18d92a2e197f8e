import { AuthError, HttpError, isAuthStatus, isRetryableStatus } from "../errors";
import { DEFAULT_RETRY, parseRetryAfter, type RetryPolicy, retry } from "../resilience/retry";
import { guardWrite, type WriteGuard } from "./dry-run";
import type { RateBudget } from "./rate-budget";
import { sharedRead } from "./read-memo";
import { rememberSecrets, scrub } from "./redact";
import type { HttpRequest } from "./request";

export type { HttpRequest };

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
  /** Test mode: writes are withheld and recorded, never sent (shared/http/dry-run.ts). */
  dryRun?: WriteGuard;
  /** Called before each retry (logging, metrics). */
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; reason: string }) => void;
}

/** Counts of requests made, for benchmarks and the health report. */
export interface CallStats {
  reads: number;
  writes: number;
  retries: number;
}

/**
 * JSON over HTTP with a timeout, retries (backoff + jitter + Retry-After), a rate budget and typed
 * errors. It uses Node's own `fetch` (undici inside Node, with keep-alive connections), so a
 * Lambda bundle does not carry a second copy of undici (about 520 KB minified).
 */
export class HttpClient {
  readonly stats: CallStats = { reads: 0, writes: 0, retries: 0 };
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    guardWrite(this.options.name, this.options.dryRun, req);
    return sharedRead(this, req, () => this.sendNow<T>(req));
  }

  private sendNow<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    return retry(() => this.once<T>(req), {
      policy: req.retry ?? this.retry,
      isRetryable: (error) =>
        error instanceof HttpError &&
        !(error instanceof AuthError) &&
        error.retryable &&
        (safeToRepeat(req) || notProcessed(error)),
      retryAfterMs: (error) => (error as HttpError).retryAfterMs,
      onRetry: ({ attempt, delayMs, error }) => {
        this.stats.retries++;
        this.options.onRetry?.({
          attempt,
          delayMs,
          status: (error as HttpError).status || undefined,
          reason: (error as Error).message,
        });
      },
    });
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
    let status: number;
    let responseHeaders: HttpResponse["headers"];
    let text: string;
    try {
      // One deadline for the whole exchange, the body included. Redirects are answers, not
      // followed: a followed 302 would turn a POST into a GET.
      const res = await fetch(url, {
        method: req.method,
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      responseHeaders = Object.fromEntries(res.headers);
      text = await res.text();
    } catch (error) {
      // Connection refused, reset or timed out: the request may not have been processed; retry.
      const cause = networkCause(error, this.timeoutMs);
      const reason = scrub(cause.message, options.secrets ?? []);
      throw new HttpError(`${options.name} ${req.method} ${req.path}: network error: ${reason}`, 0, true, {
        code: cause.code,
      });
    }
    const parsed = parseBody(text);
    if (status >= 200 && status < 300) {
      return { status, headers: responseHeaders, body: parsed as T };
    }
    const described = options.describeError(status, parsed, responseHeaders);
    const message = scrub(`${options.name} ${req.method} ${req.path} -> ${status}: ${described.message}`, [
      ...(options.secrets ?? []),
    ]);
    const ErrorClass = isAuthStatus(status) ? AuthError : HttpError;
    throw new ErrorClass(
      message,
      status,
      isAuthStatus(status) || (described.retryable ?? isRetryableStatus(status)),
      described.details,
      parseRetryAfter(responseHeaders["retry-after"]),
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

/**
 * What failed under `fetch`: a TimeoutError from the deadline's signal, or TypeError("fetch
 * failed") with the socket's error as its cause (an AggregateError when several addresses were
 * tried). Ports the Fetch standard blocks (1, 6000, 10080...) fail as "bad port", without a code.
 */
function networkCause(error: unknown, timeoutMs: number): { message: string; code?: string } {
  type Failure = { message?: string; code?: unknown; name?: string; cause?: Failure; errors?: Failure[] };
  const outer = error as Failure;
  if (outer.name === "TimeoutError")
    return { message: `no answer within ${timeoutMs} ms`, code: "ETIMEDOUT" };
  const cause = outer.cause ?? outer;
  const first = cause.errors?.[0];
  const code = [cause.code, first?.code].find((c): c is string => typeof c === "string");
  return { message: cause.message || first?.message || code || String(error), code };
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
