/**
 * The pure part of setup: compare a wanted document with what ERPNext holds and decide what to
 * do, and print the result. No I/O here, so every rule has a fast unit test.
 */

export type Action =
  | { kind: "create"; doctype: string; name: string; doc: Record<string, unknown> }
  | { kind: "update"; doctype: string; name: string; patch: Record<string, unknown>; changed: string[] }
  /** A `set_only_once` field differs: Frappe refuses to change it, so delete and create again. */
  | { kind: "replace"; doctype: string; name: string; doc: Record<string, unknown>; changed: string[] }
  /** One of ours (by its name) that no flow needs any more. */
  | { kind: "delete"; doctype: string; name: string }
  | { kind: "unchanged"; doctype: string; name: string };

export interface Problem {
  system: "ERPNext" | "Wix" | "setup";
  what: string;
  fix: string;
  /** The Wix site whose settings or Wix it is about (several sites). */
  site?: string;
}

export interface PlanOptions {
  /** Fields Frappe refuses to change after insert (DocField `set_only_once`). */
  setOnlyOnce?: readonly string[];
  /** Password fields: ERPNext answers them masked, so their stored value is given here. */
  passwords?: Record<string, string | undefined>;
}

/** What to do so that `existing` becomes `wanted` (only the fields `wanted` names are compared). */
export function planDocument(
  doctype: string,
  wanted: Record<string, unknown> & { name: string },
  existing: Record<string, unknown> | undefined,
  options: PlanOptions = {},
): Action {
  const { name } = wanted;
  if (!existing) return { kind: "create", doctype, name, doc: wanted };
  const changed = Object.keys(wanted).filter((field) => {
    if (field === "name") return false;
    const stored =
      options.passwords && field in options.passwords ? options.passwords[field] : existing[field];
    return !sameValue(wanted[field], stored);
  });
  if (!changed.length) return { kind: "unchanged", doctype, name };
  if (changed.some((f) => options.setOnlyOnce?.includes(f)))
    return { kind: "replace", doctype, name, doc: wanted, changed };
  const patch = Object.fromEntries(changed.map((f) => [f, wanted[f]]));
  return { kind: "update", doctype, name, patch, changed };
}

/**
 * Frappe's stored form against ours: Check fields come back as 0/1 (or booleans), empty fields
 * as null or "", child rows with their own bookkeeping (name, idx, parent...), which is ignored.
 */
export function sameValue(wanted: unknown, stored: unknown): boolean {
  if (Array.isArray(wanted)) {
    if (!Array.isArray(stored) || stored.length !== wanted.length) return false;
    return wanted.every((row, i) => {
      const other = stored[i] as Record<string, unknown>;
      return Object.entries(row as Record<string, unknown>).every(([k, v]) => sameValue(v, other?.[k]));
    });
  }
  const norm = (v: unknown) => {
    if (v === null || v === undefined) return "";
    if (typeof v === "boolean") return v ? "1" : "0";
    return String(v);
  };
  return norm(wanted) === norm(stored);
}

const VERBS: Record<Action["kind"], string> = {
  create: "create",
  update: "update",
  replace: "re-create",
  delete: "delete",
  unchanged: "left alone",
};

/** One line per action, in words: "create Webhook wix-sync Item on_update". */
export function describeAction(action: Action, done = false): string {
  const verb = done
    ? {
        create: "created",
        update: "updated",
        replace: "re-created",
        delete: "deleted",
        unchanged: "left alone",
      }[action.kind]
    : VERBS[action.kind];
  const detail =
    action.kind === "update" || action.kind === "replace" ? ` (${action.changed.join(", ")} changed)` : "";
  return `${verb} ${action.doctype} "${action.name}"${detail}`;
}

/** Every problem with its fix, numbered, in one message. */
export function describeProblems(problems: readonly Problem[]): string {
  const lines = [`${problems.length} problem(s) to fix first (nothing was written):`];
  problems.forEach((p, i) => {
    const where = p.site ? ` (site ${p.site})` : "";
    lines.push(`  ${i + 1}. ${p.system}${where}: ${p.what}`, `     fix: ${p.fix}`);
  });
  return lines.join("\n");
}
