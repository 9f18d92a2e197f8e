import { type Violation, WixError } from "./errors";

/**
 * WQL as the V3 reads take it: a filter of fields and operators, a sort, and cursor paging where a
 * next page carries only its cursor.
 */

/** Filterable fields (with the operators each takes, or "*") and sortable fields of one read. */
export interface WqlSpec {
  filter: Record<string, "*" | string[]>;
  sort: string[];
}

export interface WqlRequest {
  filter?: Record<string, unknown>;
  sort?: { fieldName?: string; order?: string }[];
  cursorPaging?: { limit?: number; cursor?: string };
}

/** 400 for a filter or sort on a field (or with an operator) the spec does not declare. */
export function checkWql(envelope: string, q: WqlRequest, spec: WqlSpec): void {
  const v: Violation[] = [];
  const check = (filter: unknown, at: string) => {
    if (!filter || typeof filter !== "object") return;
    for (const [field, cond] of Object.entries(filter as Record<string, unknown>)) {
      if (field === "$and" || field === "$or" || field === "$not") {
        for (const sub of [cond].flat()) check(sub, at);
        continue;
      }
      const allowed = spec.filter[field];
      const ops = cond && typeof cond === "object" && !Array.isArray(cond) ? Object.keys(cond) : ["$eq"];
      if (!allowed) v.push({ field: `${at}.${field}`, description: "field is not filterable" });
      else if (allowed !== "*" && ops.some((op) => !allowed.includes(op)))
        v.push({ field: `${at}.${field}`, description: `only ${allowed.join(", ")} on this field` });
      else if (allowed === "*" && ops.includes("$matchItems"))
        v.push({ field: `${at}.${field}`, description: "$matchItems is not supported on this field" });
    }
  };
  check(q.filter, `${envelope}.filter`);
  for (const [i, s] of (q.sort ?? []).entries())
    if (!s.fieldName || !spec.sort.includes(s.fieldName))
      v.push({ field: `${envelope}.sort[${i}].fieldName`, description: "field is not sortable" });
  if (v.length) throw new WixError(400, "invalid query", undefined, v);
}

/** A WQL filter ($eq, $ne, $in, $hasSome, $matchItems, $and/$or) over a document's field values. */
export function matches(
  filter: Record<string, unknown> | undefined,
  values: (field: string) => unknown[],
): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([field, cond]) => {
    if (field === "$and") return (cond as Record<string, unknown>[]).every((f) => matches(f, values));
    if (field === "$or") return (cond as Record<string, unknown>[]).some((f) => matches(f, values));
    const have = values(field);
    if (!cond || typeof cond !== "object" || Array.isArray(cond)) return have.includes(cond);
    return Object.entries(cond as Record<string, unknown>).every(([op, want]) => {
      if (op === "$eq") return have.includes(want);
      if (op === "$ne") return !have.includes(want);
      if (op === "$in" || op === "$hasSome") return (want as unknown[]).some((w) => have.includes(w));
      if (op === "$hasAll") return (want as unknown[]).every((w) => have.includes(w));
      if (op === "$gt") return have.some((h) => h != null && compare(h, want) > 0);
      if (op === "$gte") return have.some((h) => h != null && compare(h, want) >= 0);
      if (op === "$lt") return have.some((h) => h != null && compare(h, want) < 0);
      if (op === "$lte") return have.some((h) => h != null && compare(h, want) <= 0);
      if (op === "$startsWith") return have.some((h) => typeof h === "string" && h.startsWith(String(want)));
      if (op === "$exists") return have.some((h) => h != null && h !== "") === Boolean(want);
      if (op === "$matchItems")
        return have.some((item) =>
          (want as Record<string, unknown>[]).every((f) => matches(f, (sub) => [pathValue(item, sub)])),
        );
      return false;
    });
  });
}

/** Numbers by value, anything else as text. */
export function compare(x: unknown, y: unknown): number {
  if (typeof x === "number" && typeof y === "number") return x - y;
  const [a, b] = [String(x ?? ""), String(y ?? "")];
  return a === b ? 0 : a < b ? -1 : 1;
}

export function pathValue(doc: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      doc,
    );
}

/** Where a read starts: its first page (limit 20 by default), or the page a cursor names. */
export function page(q: WqlRequest, max: number) {
  const limit = q.cursorPaging?.limit ?? 20;
  if (limit < 1 || limit > max)
    throw new WixError(400, `cursorPaging.limit must be 1..${max}`, undefined, [
      { field: "cursorPaging.limit", description: `1..${max}` },
    ]);
  if (q.cursorPaging?.cursor) {
    if (q.filter)
      throw new WixError(400, "send only the cursor when paging", undefined, [
        { field: "filter", description: "not allowed with a cursor" },
      ]);
    const { start, filter } = decodeCursor(q.cursorPaging.cursor);
    return { start, limit, filter };
  }
  return { start: 0, limit, filter: q.filter };
}

/** The `pagingMetadata` of a page: `{count, cursors: {next}, hasNext}`. */
export function paging(start: number, limit: number, total: number, filter?: Record<string, unknown>) {
  const hasNext = start + limit < total;
  const next = hasNext ? encodeCursor(start + limit, filter) : undefined;
  return { count: Math.min(limit, Math.max(0, total - start)), cursors: { next }, hasNext };
}

export function encodeCursor(start: number, filter?: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ start, filter })).toString("base64url");
}

function decodeCursor(cursor: string): { start: number; filter?: Record<string, unknown> } {
  return JSON.parse(Buffer.from(cursor, "base64url").toString());
}
