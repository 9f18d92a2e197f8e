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

export async function armFaults(host: ChildHost, systems: ("erpnext" | "wix")[]): Promise<number> {
  if (FAULT_RATE <= 0) return 0;
  const gap = Math.max(0, Math.round(1 / FAULT_RATE) - 1);
  for (const sys of systems)
    await host.must("POST", `/sandbox/${sys}/_faults`, faultSchedule(SCHEDULE_LENGTH, gap));
  return SCHEDULE_LENGTH * systems.length;
}

/** Faults that fired: armed minus still pending. */
export async function disarm(host: ChildHost, sys: "erpnext" | "wix"): Promise<number> {
  const pending = Number((await host.must("GET", `/sandbox/${sys}/_faults`)).body?.pending ?? 0);
  await host.must("DELETE", `/sandbox/${sys}/_faults`);
  return pending;
}
