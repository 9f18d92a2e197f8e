/**
 * The one retry loop of the integration: exponential backoff with full jitter, capped, honouring
 * a wait the failure asks for (an HTTP Retry-After). The HTTP client, the SQS send loop and the
 * DynamoDB batch loops all go through `retry`; what counts as retryable is theirs to say.
 */

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5000 };
/** A single try: probes (the health check) report what they see now. */
export const ONE_TRY: RetryPolicy = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** Whether this failure may be tried again; anything else is thrown at once. */
  isRetryable: (error: unknown) => boolean;
  /** A wait the failure itself asks for (Retry-After); backoff still applies when longer. */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** Called before each wait (logging, metrics). */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Runs `fn` until it succeeds, fails with something not retryable, or the policy's attempts are
 * spent; the last failure is thrown as it is. `fn` gets the attempt number (1-based).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !options.isRetryable(error)) throw error;
      const delayMs = backoffDelay(attempt, policy, options.retryAfterMs?.(error));
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

/** Delay before retry number `retry` (1-based). `random` is injectable for tests. */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, jittered), policy.maxDelayMs * 4);
  return jittered;
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
