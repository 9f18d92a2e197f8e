import { sleep } from "./resilience/retry";
/** Small helpers for doing work in pieces. */

/** Splits a list into slices of at most `size`. */
export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
/** Runs `fn` over the list with at most `limit` calls in flight, keeping the order. */
export async function mapLimited<T, R>(list: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      out[i] = await fn(list[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return out;
}

/**
 * Tries `claim` until it succeeds or `waitMs` has passed, pausing `pauseMs` between tries: a
 * delivery that meets another's lease on the same record waits for it (the holder's work takes
 * about a second) before it gives its message back to the queue for a later try.
 */
export async function waitForLease(
  claim: () => Promise<boolean>,
  {
    waitMs,
    pauseMs,
    pause = sleep,
  }: {
    waitMs: number;
    pauseMs: number;
    pause?: (ms: number) => Promise<void>;
  },
): Promise<boolean> {
  for (let waited = 0; ; waited += pauseMs) {
    if (await claim()) return true;
    if (waited >= waitMs) return false;
    await pause(pauseMs);
  }
}
