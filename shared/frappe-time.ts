/**
 * A pure helper both the ERPNext webhook adapter and the flows' catch-up jobs use: here, beside
 * errors.ts and validation.ts, so neither side imports the other for it.
 */

/**
 * Frappe dates carry no zone ("2025-01-02 03:04:05.123456", site time). Read as UTC: only used
 * for latency figures, never for correctness.
 */
export function frappeTimeToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value.replace(" ", "T").slice(0, 23)}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
