/**
 * Every error of the integration, in one module. Flows see only domain conditions (the classes
 * below `SyncError`); the adapters (shared/erpnext, shared/wix, shared/store, shared/queue)
 * translate transport failures into them, so no HTTP status reaches a flow.
 */

/** Base of every error raised by the integration: `retryable` decides queue retry vs. park. */
export class SyncError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A remote API answered with an error status (or not at all). */
export class HttpError extends SyncError {
  constructor(
    message: string,
    readonly status: number,
    retryable: boolean,
    details: Record<string, unknown> = {},
    readonly retryAfterMs?: number,
  ) {
    super(message, retryable, { status, ...details });
  }
}

/**
 * The API refused our credentials (401) or their rights (403): a key being rotated, a role
 * removed. Not the data's fault, so the message is retried like an outage (and health fails, so
 * the alarm fires) instead of being parked; repeating it at once inside one call would not help.
 */
export class AuthError extends HttpError {}

/** Input that can never succeed as it is (a validation failure, an unknown SKU...). */
export class PermanentError extends SyncError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, false, details);
  }
}

/** A transient condition worth retrying later (a conflict still settling, a dependency not yet synced). */
export class RetryableError extends SyncError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, true, details);
  }
}

/**
 * The record changed since we read it (a Wix revision moved, an ERPNext document was modified):
 * re-read and try again.
 */
export class RevisionConflictError extends RetryableError {}

/** What we asked for does not exist on the other side (a deleted product, an unknown order). */
export class NotFoundError extends PermanentError {}

/** The other side already has it (a duplicate name or SKU): find it instead of creating it. */
export class AlreadyExistsError extends PermanentError {}

/** The configuration is incomplete or invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Statuses worth retrying: rate limits, server faults, gateway timeouts, refused credentials. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500 || isAuthStatus(status);
}

export function isAuthStatus(status: number): boolean {
  return status === 401 || status === 403;
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof SyncError) return error.retryable;
  // Unknown errors (bugs, network resets surfaced oddly) are retried: the DLQ catches the persistent ones.
  return true;
}

/**
 * The remote system answered, even if with a refusal (bad credentials, a request it rejects): as
 * opposed to down, overloaded or unreachable (5xx, or no answer at all).
 */
export function remoteAnswered(error: unknown): boolean {
  return error instanceof HttpError && error.status > 0 && error.status < 500;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Test mode (`DRY_RUN=true`): the adapter withheld a write and recorded what it would have sent.
 * Not a failure: the worker runtime settles the message as `skipped` with this reason (neither
 * retried nor parked). It counts as retryable for the flows' own bookkeeping: the write is still
 * to be made once test mode ends, so nothing is recorded as parked or done (an order's claim is
 * released, not parked).
 */
export class DryRunSkipped extends SyncError {
  constructor(readonly intent: { system: string; method: string; path: string; summary: string }) {
    super(
      `test mode: would ${intent.method} ${intent.path}${intent.summary ? ` (${intent.summary})` : ""}`,
      true,
      { dryRun: true },
    );
  }
}
