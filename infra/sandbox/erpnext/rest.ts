import type { Router, SimRequest } from "../kit";
import { FrappeError } from "./errors";
import { compare, parseJson } from "./filters";
import type { ErpnextSite } from "./site";

/**
 * Frappe REST v1 (frappe/api/v1.py), under both `/api` and `/api/v1`: the `/resource/:doctype`
 * CRUD with `{data}` envelopes, list defaults (20 rows, field `name`, `modified desc`), and the
 * few `/method/` calls the integration makes.
 */
export function restRoutes(r: Router, site: ErpnextSite): void {
  for (const prefix of ["/api", "/api/v1"]) {
    r.on("GET", `${prefix}/resource/:doctype`, (req) => ({ status: 200, body: { data: list(site, req) } }));
    r.on("GET", `${prefix}/resource/:doctype/:name`, (req) => ({
      status: 200,
      body: { data: site.get(req.params.doctype as string, req.params.name as string) },
    }));
    r.on("POST", `${prefix}/resource/:doctype`, (req) => ({
      status: 200,
      body: { data: site.insert(req.params.doctype as string, bodyObject(req)) },
    }));
    r.on("PUT", `${prefix}/resource/:doctype/:name`, (req) => ({
      status: 200,
      body: { data: site.update(req.params.doctype as string, req.params.name as string, bodyObject(req)) },
    }));
    r.on("DELETE", `${prefix}/resource/:doctype/:name`, (req) => {
      site.remove(req.params.doctype as string, req.params.name as string);
      return { status: 202, body: { data: "ok" } };
    });
    r.on("GET", `${prefix}/method/ping`, () => ({ status: 200, body: { message: "pong" } }));
    r.on("GET", `${prefix}/method/frappe.auth.get_logged_user`, () => ({
      status: 200,
      body: { message: "integration@example.com" },
    }));
    r.on("GET", `${prefix}/method/frappe.client.get_count`, (req) => ({
      status: 200,
      body: {
        message: site.filtered(String(req.query.get("doctype")), parseJson(req.query.get("filters")) ?? [])
          .length,
      },
    }));
    // Whitelisted module methods (the mappers): arguments from the JSON body or the query string.
    for (const verb of ["GET", "POST"])
      r.on(verb, `${prefix}/method/:method`, (req) => {
        const fn = site.method(req.params.method as string);
        if (!fn)
          throw new FrappeError(
            404,
            "AttributeError",
            `Failed to get method for command ${req.params.method}`,
          );
        const args = {
          ...Object.fromEntries(req.query),
          ...(req.body && typeof req.body === "object" && !Array.isArray(req.body) ? req.body : {}),
        } as Record<string, unknown>;
        return { status: 200, body: { message: fn(args, site) } };
      });
  }
}

function bodyObject(req: SimRequest): Record<string, unknown> {
  if (!req.body || typeof req.body !== "object" || Array.isArray(req.body)) {
    throw new FrappeError(417, "ValidationError", "request body must be a JSON object");
  }
  return req.body as Record<string, unknown>;
}

/** A list read: filters, `order_by`, `limit_start`/`limit_page_length` (0: all), `fields` ("*": no child tables). */
function list(site: ErpnextSite, req: SimRequest): Record<string, unknown>[] {
  const doctype = req.params.doctype as string;
  const fields = parseJson<string[]>(req.query.get("fields")) ?? ["name"];
  const filters = parseJson<unknown>(req.query.get("filters")) ?? [];
  const start = Number(req.query.get("limit_start") ?? 0);
  const pageLength = Number(req.query.get("limit_page_length") ?? req.query.get("limit") ?? 20);
  const [orderField, orderDir] = (req.query.get("order_by") ?? "modified desc").trim().split(/\s+/);
  const rows = site.filtered(doctype, filters).sort((a, b) => {
    const cmp = compare(a[orderField as string] ?? "", b[orderField as string] ?? "");
    return orderDir?.toLowerCase() === "asc" ? cmp : -cmp;
  });
  const page = pageLength === 0 ? rows.slice(start) : rows.slice(start, start + pageLength);
  const wanted = fields.includes("*") ? undefined : fields;
  return page.map((doc) => {
    if (!wanted) return Object.fromEntries(Object.entries(doc).filter(([, v]) => !Array.isArray(v)));
    return Object.fromEntries(wanted.map((f) => [f, doc[f] ?? null]));
  });
}
