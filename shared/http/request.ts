import type { RetryPolicy } from "../resilience/retry";

/** One call of the HTTP client (its own file so the test-mode guard can name it without a circle). */
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
