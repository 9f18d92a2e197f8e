import type { Doc } from "./doctype";
import { FrappeError } from "./errors";

/**
 * Frappe list filters (frappe/model/db_query.py): `[[field, op, value]]`, `[[doctype, field, op,
 * value]]` or `{field: value | [op, value]}`, with the operators =, !=, >, >=, <, <=, in, not in,
 * like, is.
 */
export function filterDocs(docs: Iterable<Doc>, filters: unknown): Doc[] {
  const conditions = normalizeFilters(filters).map(([doctype, field, op, value]) => {
    // Lists are turned into sets once, not once per row (large catalogs in benchmarks).
    const lower = op.toLowerCase();
    const set = lower === "in" || lower === "not in" ? new Set(asList(value)) : undefined;
    const test = (v: unknown) =>
      set ? set.has(String(v ?? "")) === (lower === "in") : matches(v, lower, value);
    return { doctype, field, test };
  });
  return [...docs].filter((doc) =>
    conditions.every(({ doctype, field, test }) =>
      // A child doctype's field (`[["Delivery Note Item", "against_sales_order", "=", x]]`): db_query
      // joins the child table, so a document matches when one of its rows does.
      doctype && doctype !== doc.doctype ? childRows(doc).some((row) => test(row[field])) : test(doc[field]),
    ),
  );
}

/** The rows of a document's child tables. */
function childRows(doc: Doc): Record<string, unknown>[] {
  return Object.values(doc).flatMap((v) =>
    Array.isArray(v) ? v.filter((r): r is Record<string, unknown> => !!r && typeof r === "object") : [],
  );
}

export function parseJson<T>(text: string | null): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new FrappeError(417, "ValidationError", `could not parse ${text.slice(0, 50)}`);
  }
}

/** Frappe accepts `[[field, op, value]]`, `[[doctype, field, op, value]]` or `{field: value | [op, value]}`. */
function normalizeFilters(filters: unknown): [string | undefined, string, string, unknown][] {
  if (Array.isArray(filters)) {
    return filters.map((f) => {
      if (!Array.isArray(f)) throw new FrappeError(417, "ValidationError", "invalid filter");
      return (f.length === 4 ? f : [undefined, ...f]) as [string | undefined, string, string, unknown];
    });
  }
  if (filters && typeof filters === "object") {
    return Object.entries(filters).map(([k, v]) =>
      Array.isArray(v) ? [undefined, k, String(v[0]), v[1]] : [undefined, k, "=", v],
    );
  }
  return [];
}

function matches(actual: unknown, op: string, expected: unknown): boolean {
  const a = actual ?? "";
  switch (op.toLowerCase()) {
    case "=":
      return String(a) === String(expected);
    case "!=":
      return String(a) !== String(expected);
    case ">":
      return compare(a, expected) > 0;
    case ">=":
      return compare(a, expected) >= 0;
    case "<":
      return compare(a, expected) < 0;
    case "<=":
      return compare(a, expected) <= 0;
    case "in":
      return asList(expected).includes(String(a));
    case "not in":
      return !asList(expected).includes(String(a));
    case "like":
      return new RegExp(
        `^${String(expected)
          .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
          .replace(/%/g, ".*")}$`,
        "i",
      ).test(String(a));
    case "is":
      return expected === "set" ? a !== "" : a === "";
    default:
      throw new FrappeError(
        417,
        "ValidationError",
        `Operator must be one of =, !=, >, >=, <, <=, in, not in, like, is: ${op}`,
      );
  }
}

export function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" || typeof b === "number") return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0; // like MariaDB on these ASCII timestamps and codes
}

function asList(v: unknown): string[] {
  return (Array.isArray(v) ? v : String(v).split(",")).map((x) => String(x).trim());
}
