/**
 * How the work queues behave, in both hosts: the CDK stack and the local host read this, so a
 * race or a retry schedule that AWS would show shows locally too.
 */

/** Receives before SQS moves a message to its DLQ (the redrive policy). */
export const MAX_RECEIVE_COUNT = 5;

/**
 * Backoff after a retryable failure (an API down, rate-limited, refusing our credentials):
 * base x 4^(n-1), capped at 30 minutes, with jitter: 30 s, 2 min, 8 min, 30 min with the default
 * base. After the last receive the worker parks the message as *retryable*, and the
 * `dlq-redrive` job moves it back once both APIs answer: an outage of any length costs no message
 * and needs no person. `RETRY_BASE_SECONDS` shortens the schedule (tests, chaos runs).
 */
export function retryDelaySeconds(receiveCount: number, baseSeconds: number, random = Math.random): number {
  const ceiling = Math.min(1800, baseSeconds * 4 ** Math.max(0, receiveCount - 1));
  return Math.round(ceiling * (0.75 + random() / 2));
}

export const DEFAULT_RETRY_BASE_SECONDS = 30;

/**
 * A retryable message that keeps failing while both APIs answer is not in an outage: after this
 * many automatic redrives it stays parked as permanent, for a person to look at.
 */
export const AUTO_REDRIVE_LIMIT = 10;

/** Why a message sits in a DLQ: the data is wrong (a person fixes it), or it ran out of retries. */
export type ParkedAs = "permanent" | "retryable";
