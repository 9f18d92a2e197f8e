import { DRIVER, FAULT_RATE } from "./config";
import type { ChildHost } from "./host";

// --- faults --------------------------------------------------------------------------------

/**
 * A schedule of `count` faults, each after `gap` calls that pass: 1 in (gap + 1) calls fails.
 * A mix of what both APIs do: rate limits, server errors, gateway errors, writes that commit but
 * lose their answer, and (rarely, they cost 10 s each) timeouts.
 */
export function faultSchedule(count: number, gap: number) {
  const kinds = [
    { status: 429 },
    { status: 500 },
    { status: 502 },
    { status: 503 },
    { status: 500, late: true },
    { status: 504, late: true },
    { status: 429 },
    { status: 500 },
    { status: 503 },
    { status: 500, late: true },
  ];
  return Array.from({ length: count }, (_, i) => ({
    count: 1,
    after: gap,
    match: INTEGRATION_ONLY,
    // One in 50 is a timeout: no answer for longer than the client waits (10 s).
    ...(i % 50 === 49 ? { status: 504, latencyMs: 11_000 } : kinds[i % kinds.length]),
  }));
}

export const SCHEDULE_LENGTH = 3000;
export const INTEGRATION_ONLY = `^(?!.*[?&]${DRIVER})`;

/** The sandbox ERPNext's control path; a Wix site's is its ChaosSite.wix. */
export const ERPNEXT_SANDBOX = "/sandbox/erpnext";

/** Arms the schedule on each sandbox (by its control path: ERPNEXT_SANDBOX, a site's `wix`). */
export async function armFaults(host: ChildHost, sandboxes: string[]): Promise<number> {
  if (FAULT_RATE <= 0) return 0;
  const gap = Math.max(0, Math.round(1 / FAULT_RATE) - 1);
  for (const path of sandboxes)
    await host.must("POST", `${path}/_faults`, faultSchedule(SCHEDULE_LENGTH, gap));
  return SCHEDULE_LENGTH * sandboxes.length;
}

/** Faults still pending on a sandbox, cleared: armed minus this fired. */
export async function disarm(host: ChildHost, sandbox: string): Promise<number> {
  const pending = Number((await host.must("GET", `${sandbox}/_faults`)).body?.pending ?? 0);
  await host.must("DELETE", `${sandbox}/_faults`);
  return pending;
}
