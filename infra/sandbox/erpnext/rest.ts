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
  // Every resource call acts as the caller and is refused (403) without the doctype's roles.
  const allowed = (req: SimRequest) => {
    const doctype = req.params.doctype as string;
    site.checkPermission(doctype);
    return doctype;
  };
  for (const prefix of ["/api", "/api/v1"]) {
    r.on("GET", `${prefix}/resource/:doctype`, (req) => ({
      status: 200,
      body: { data: list(site, req).map((row) => masked(site, allowed(req), row)) },
    }));
    r.on("GET", `${prefix}/resource/:doctype/:name`, (req) => ({
      status: 200,
      body: { data: masked(site, allowed(req), site.get(allowed(req), req.params.name as string)) },
    }));
    r.on("POST", `${prefix}/resource/:doctype`, (req) => {
      site.noteWrite({ kind: "insert", doctype: req.params.doctype as string, body: bodyObject(req) });
      return {
        status: 200,
        body: { data: masked(site, allowed(req), site.insert(allowed(req), bodyObject(req))) },
      };
    });
    r.on("PUT", `${prefix}/resource/:doctype/:name`, (req) => {
      const name = req.params.name as string;
      site.noteWrite({ kind: "update", doctype: req.params.doctype as string, name, body: bodyObject(req) });
      return {
        status: 200,
        body: { data: masked(site, allowed(req), site.update(allowed(req), name, bodyObject(req))) },
      };
    });
    r.on("DELETE", `${prefix}/resource/:doctype/:name`, (req) => {
      site.noteWrite({
        kind: "delete",
        doctype: req.params.doctype as string,
        name: req.params.name as string,
        body: {},
      });
      site.remove(allowed(req), req.params.name as string);
      return { status: 202, body: { data: "ok" } };
    });
    r.on("GET", `${prefix}/method/ping`, () => ({ status: 200, body: { message: "pong" } }));
    r.on("GET", `${prefix}/method/frappe.auth.get_logged_user`, () => ({
      status: 200,
      body: { message: site.user },
    }));
    // frappe/core/doctype/user/user.py get_roles: whitelisted, `uid` defaults to the session user.
    r.on("GET", `${prefix}/method/frappe.core.doctype.user.user.get_roles`, (req) => ({
      status: 200,
      body: { message: site.rolesOf(req.query.get("uid") || site.user) },
    }));
    // frappe/client.py get_password: only_for("System Manager").
    r.on("GET", `${prefix}/method/frappe.client.get_password`, (req) => {
      const roles = site.rolesOf(site.user);
      if (!roles.includes("System Manager") && !roles.includes("Administrator"))
        throw new FrappeError(403, "PermissionError", "You are not permitted to access this resource.");
      const doc = site.get(String(req.query.get("doctype")), String(req.query.get("name")));
      return { status: 200, body: { message: doc[String(req.query.get("fieldname"))] ?? null } };
    });
    for (const verb of ["POST", "PUT"])
      r.on(verb, `${prefix}/method/frappe.client.bulk_update`, (req) => ({
        status: 200,
        body: { message: bulkUpdate(site, req) },
      }));
    // The desk's "Get Items From" with several documents (erpnext/public/js/utils.js map_current_doc
    // posts to it): frappe/model/mapper.py map_docs calls the mapper once per source name, each
    // time on the target the last call returned.
    r.on("POST", `${prefix}/method/frappe.model.mapper.map_docs`, (req) => ({
      status: 200,
      body: { message: mapDocs(site, bodyObject(req)) },
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
        site.noteWrite({ kind: "method", doctype: req.params.method as string, body: args });
        return { status: 200, body: { message: fn(args, site) } };
      });
  }
}

/**
 * frappe.client.bulk_update (frappe/client.py, whitelisted for POST and PUT): `docs` is a JSON
 * *string* (`json.loads(docs)`: a list fails with a TypeError, a 500); each `{doctype, docname,
 * ...fields}` is loaded, updated and saved on its own (validation, hooks, webhooks), and a refusal
 * lands in `failed_docs` with its traceback instead of failing the request.
 */
function bulkUpdate(site: ErpnextSite, req: SimRequest) {
  const docs = bodyObject(req).docs;
  if (typeof docs !== "string")
    throw new FrappeError(500, "TypeError", "the JSON object must be str, bytes or bytearray");
  const list = parseJson<Record<string, unknown>[]>(docs);
  if (!Array.isArray(list)) throw new FrappeError(417, "ValidationError", "docs must be a list");
  const failed_docs: { doc: Record<string, unknown>; exc: string }[] = [];
  for (const doc of list) {
    const { doctype, docname, flags: _flags, ...fields } = doc;
    site.noteWrite({ kind: "bulk_update", doctype: String(doctype), name: String(docname), body: fields });
    try {
      site.update(String(doctype), String(docname), fields);
    } catch (error) {
      const e = error instanceof FrappeError ? error : new FrappeError(500, "Exception", String(error));
      failed_docs.push({
        doc,
        exc: `Traceback (most recent call last):\n  File "apps/frappe/frappe/client.py", in bulk_update\nfrappe.exceptions.${e.excType}: ${e.message}\n`,
      });
    }
  }
  return { failed_docs };
}

/** Password fields answer one `*` per character (Document._save_passwords keeps the mask). */
function masked(site: ErpnextSite, doctype: string, doc: Record<string, unknown>): Record<string, unknown> {
  const fields = site.spec(doctype)?.passwords?.filter((f) => typeof doc[f] === "string" && doc[f]);
  if (!fields?.length) return doc;
  return { ...doc, ...Object.fromEntries(fields.map((f) => [f, "*".repeat(String(doc[f]).length)])) };
}

function bodyObject(req: SimRequest): Record<string, unknown> {
  if (!req.body || typeof req.body !== "object" || Array.isArray(req.body)) {
    throw new FrappeError(417, "ValidationError", "request body must be a JSON object");
  }
  return req.body as Record<string, unknown>;
}

/**
 * frappe.model.mapper.map_docs(method, source_names, target_doc, args=None) (frappe/model/mapper.py):
 * `source_names` is a JSON *string* (`json.loads`; a list fails with a TypeError, a 500); the
 * whitelisted `method` is called as `method(src, target_doc)` for each name in turn and the last
 * target is answered. `args` (a JSON string) is passed as a third argument.
 */
function mapDocs(site: ErpnextSite, body: Record<string, unknown>): unknown {
  const method = site.method(String(body.method ?? ""));
  if (!method)
    throw new FrappeError(404, "AttributeError", `Failed to get method for command ${body.method}`);
  if (typeof body.source_names !== "string")
    throw new FrappeError(500, "TypeError", "the JSON object must be str, bytes or bytearray");
  const names = parseJson<unknown[]>(body.source_names);
  if (!Array.isArray(names)) throw new FrappeError(417, "ValidationError", "source_names must be a list");
  const extra = typeof body.args === "string" ? { kwargs: parseJson<unknown>(body.args) } : {};
  let target: unknown = body.target_doc;
  for (const source_name of names) target = method({ source_name, target_doc: target, ...extra }, site);
  return target;
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
