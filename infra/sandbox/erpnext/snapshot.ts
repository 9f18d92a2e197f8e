import type { Doc } from "./doctype";

/** Everything the site holds, saved as JSON by the local host. */
export interface ErpnextSnapshot {
  docs: Record<string, Doc[]>;
  counters: Record<string, number>;
}

export function snapshotOf(
  docs: Map<string, Map<string, Doc>>,
  counters: Map<string, number>,
): ErpnextSnapshot {
  return {
    docs: Object.fromEntries([...docs].map(([doctype, t]) => [doctype, [...t.values()]])),
    counters: Object.fromEntries(counters),
  };
}

/** Fills `docs` from a snapshot and gives back its naming counters. */
export function restoreDocs(
  docs: Map<string, Map<string, Doc>>,
  snapshot: ErpnextSnapshot,
): Map<string, number> {
  docs.clear();
  for (const [doctype, list] of Object.entries(snapshot.docs))
    docs.set(doctype, new Map(list.map((d) => [d.name, d])));
  return new Map(Object.entries(snapshot.counters));
}
