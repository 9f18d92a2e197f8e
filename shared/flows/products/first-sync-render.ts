import type { Action, SyncPlan } from "./first-sync";

const ACTIONS: Action[] = ["create", "link", "update", "hide", "unchanged", "not-published"];

/** The plan as a person reads it: the counts, then every conflict, one line each, by kind. */
export function renderPlan(plan: SyncPlan): string {
  const lines = ["What the sync would do:"];
  for (const a of ACTIONS) lines.push(`  ${a.padEnd(14)} ${String(plan.counts[a]).padStart(6)}`);
  if (!plan.conflicts.length) {
    lines.push("", "No conflicts: nothing to decide before the first sync.");
    return lines.join("\n");
  }
  lines.push("", `${plan.conflicts.length} conflict(s) to decide:`);
  const kindWidth = Math.max(...plan.conflicts.map((c) => c.kind.length));
  const itemWidth = Math.min(40, Math.max(...plan.conflicts.map((c) => c.item.length)));
  const sorted = [...plan.conflicts].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.item.localeCompare(b.item),
  );
  for (const c of sorted)
    lines.push(`  ${c.kind.padEnd(kindWidth)}  ${c.item.padEnd(itemWidth)}  ${c.detail}`);
  return lines.join("\n");
}
