import { HttpError, NotFoundError } from "../errors";
import { HttpClient, type HttpClientOptions } from "../http/client";
import { isErpnextRead, type WriteGuard } from "../http/dry-run";
import type { RateBudget } from "../http/rate-budget";
import { offsetPages } from "../paging";
import { ONE_TRY } from "../resilience/retry";

/**
 * A list filter: `[field, op, value]`, or `[child doctype, field, op, value]` on a child table's
 * field (frappe/model/db_query.py joins the child table: a parent matches when one of its rows does).
 */
export type Filter = [string, string, unknown] | [string, string, string, unknown];

export interface ErpnextClientOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
  budget?: RateBudget;
  retry?: HttpClientOptions["retry"];
  onRetry?: HttpClientOptions["onRetry"];
  /** Test mode: told of each write withheld (reads still go out). */
  onWithheldWrite?: WriteGuard["record"];
}

/** Largest page we ask for: big enough to be cheap, small enough to stay under server timeouts. */
export const ERPNEXT_PAGE = 500;

/** Frappe REST v1 (frappe/api/v1.py): documents, lists with paging, methods. */
export class ErpnextClient {
  readonly http: HttpClient;

  constructor(options: ErpnextClientOptions) {
    const auth = `token ${options.apiKey}:${options.apiSecret}`;
    this.http = new HttpClient({
      name: "ERPNext",
      baseUrl: options.url,
      headers: () => ({ authorization: auth }),
      describeError: describeFrappeError,
      timeoutMs: options.timeoutMs,
      budget: options.budget,
      retry: options.retry,
      onRetry: options.onRetry,
      dryRun: options.onWithheldWrite && { isRead: isErpnextRead, record: options.onWithheldWrite },
      secrets: [options.apiKey, options.apiSecret],
    });
  }

  async get<T = Record<string, unknown>>(doctype: string, name: string): Promise<T> {
    const res = await this.http.send<{ data: T }>({ method: "GET", path: docPath(doctype, name) });
    return res.body.data;
  }

  /** Like get, but undefined for a document that does not exist (deleted items). */
  async find<T = Record<string, unknown>>(doctype: string, name: string): Promise<T | undefined> {
    try {
      return await this.get<T>(doctype, name);
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** One page of a list. Always names fields and a page length: Frappe's defaults are `name` and 20. */
  async list<T = Record<string, unknown>>(
    doctype: string,
    opts: { fields: string[]; filters?: Filter[]; orderBy?: string; start?: number; pageLength?: number },
  ): Promise<T[]> {
    const res = await this.http.send<{ data: T[] }>({
      method: "GET",
      path: `/api/resource/${encodeURIComponent(doctype)}`,
      query: {
        fields: JSON.stringify(opts.fields),
        filters: JSON.stringify(opts.filters ?? []),
        order_by: opts.orderBy ?? "modified asc",
        limit_start: opts.start ?? 0,
        limit_page_length: opts.pageLength ?? ERPNEXT_PAGE,
      },
    });
    return res.body.data;
  }

  /** Every row, page by page (never `limit_page_length=0`). */
  async listAll<T = Record<string, unknown>>(
    doctype: string,
    opts: { fields: string[]; filters?: Filter[]; orderBy?: string; pageLength?: number },
  ): Promise<T[]> {
    const pageLength = opts.pageLength ?? ERPNEXT_PAGE;
    const rows: T[] = [];
    for await (const page of offsetPages(
      (start) => this.list<T>(doctype, { ...opts, start, pageLength }),
      pageLength,
    ))
      rows.push(...page);
    return rows;
  }

  async insert<T = Record<string, unknown>>(doctype: string, doc: Record<string, unknown>): Promise<T> {
    const res = await this.http.send<{ data: T }>({
      method: "POST",
      path: `/api/resource/${encodeURIComponent(doctype)}`,
      body: doc,
    });
    return res.body.data;
  }

  async update<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    patch: Record<string, unknown>,
  ): Promise<T> {
    const res = await this.http.send<{ data: T }>({
      method: "PUT",
      path: docPath(doctype, name),
      body: patch,
      // A submit or cancel is not repeatable: once ERPNext committed it, the same PUT answers 417
      // UpdateAfterSubmitError (validate_update_after_submit, frappe/model/document.py). A lost
      // answer is left to the message's retry, whose use-case re-reads the document first.
      idempotent: patch.docstatus === undefined,
    });
    return res.body.data;
  }

  /**
   * Deletes a document (a draft; Frappe refuses submitted ones). Frappe answers 202 "ok"
   * (delete_doc, frappe/api/v1.py); a missing document is its DoesNotExistError, 404
   * (frappe.delete_doc with ignore_missing=False, via frappe/client.py delete_doc): NotFoundError.
   */
  async delete(doctype: string, name: string): Promise<void> {
    try {
      await this.http.send({ method: "DELETE", path: docPath(doctype, name) });
    } catch (error) {
      if (error instanceof HttpError && error.status === 404)
        throw new NotFoundError(`${doctype} ${name} not found`, error.details);
      throw error;
    }
  }

  async call<T = unknown>(
    method: string,
    args?: Record<string, unknown>,
    verb: "GET" | "POST" = "POST",
  ): Promise<T> {
    const res = await this.http.send<{ message: T }>({
      method: verb,
      path: `/api/method/${encodeURIComponent(method)}`,
      body: verb === "POST" ? (args ?? {}) : undefined,
      query: verb === "GET" ? stringifyArgs(args) : undefined,
    });
    return res.body.message;
  }

  /**
   * Saves a few fields on many documents in one request: frappe.client.bulk_update (frappe/client.py)
   * loads, updates and saves each (validation, hooks, the `modified` bump) and answers the ones it
   * refused in `failed_docs` with their traceback, never failing the request for them. `docs` goes
   * as a JSON string (the method runs `json.loads(docs)`). Returns the refused ones with the
   * traceback's last line (the exception and its message).
   */
  async bulkUpdate(
    docs: ({ doctype: string; docname: string } & Record<string, unknown>)[],
  ): Promise<{ doctype: string; docname: string; reason: string }[]> {
    if (!docs.length) return [];
    const answer = await this.call<{ failed_docs?: { doc?: Record<string, unknown>; exc?: string }[] }>(
      "frappe.client.bulk_update",
      { docs: JSON.stringify(docs) },
    );
    return (answer?.failed_docs ?? []).map((f) => ({
      doctype: String(f.doc?.doctype ?? ""),
      docname: String(f.doc?.docname ?? ""),
      reason: lastLine(f.exc) ?? "refused",
    }));
  }

  /**
   * A whitelisted mapper (`make_delivery_note`, `make_sales_invoice`, `make_sales_return`...):
   * `POST /api/method/<path> {source_name}` answers `{message: <unsaved document>}` (EN
   * get_mapped_doc; FR utils/response.py). It saves nothing, so repeating it is safe. A source
   * that does not exist is NotFoundError.
   */
  async mapDocument<T = Record<string, unknown>>(method: string, sourceName: string): Promise<T> {
    try {
      const res = await this.http.send<{ message: T }>({
        method: "POST",
        path: `/api/method/${encodeURIComponent(method)}`,
        body: { source_name: sourceName },
        idempotent: true,
      });
      return res.body.message;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404)
        throw new NotFoundError(`${method}: ${sourceName} not found`, error.details);
      throw error;
    }
  }

  /** The authenticated user, or throws; a `probe` (the health check) tries once. */
  async whoAmI(opts: { probe?: boolean } = {}): Promise<string> {
    const res = await this.http.send<{ message: string }>({
      method: "GET",
      path: "/api/method/frappe.auth.get_logged_user",
      ...(opts.probe ? { retry: ONE_TRY } : {}),
    });
    return res.body.message;
  }
}

/** A Python traceback's last line ("frappe.exceptions.ValidationError: why"), without the module path. */
function lastLine(traceback: string | undefined): string | undefined {
  const line = traceback?.trim().split("\n").pop()?.trim();
  return line?.replace(/^(?:\w+\.)*(\w+: )/, "$1") || undefined;
}

function docPath(doctype: string, name: string): string {
  return `/api/resource/${encodeURIComponent(doctype)}/${encodeURIComponent(name)}`;
}

function stringifyArgs(args?: Record<string, unknown>): Record<string, string> | undefined {
  if (!args) return undefined;
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

/**
 * Frappe error envelope: `exc_type` plus `_server_messages`, a JSON string of a list of JSON
 * strings each holding `{message}` (make_logs in frappe/utils/response.py). 429 bodies are
 * plain text.
 */
export function describeFrappeError(status: number, body: unknown) {
  const details: Record<string, unknown> = {};
  let message = typeof body === "string" ? body.slice(0, 300) : `HTTP ${status}`;
  if (body && typeof body === "object") {
    const b = body as { exc_type?: string; _server_messages?: string; exception?: string; message?: string };
    if (b.exc_type) details.excType = b.exc_type;
    const messages = parseServerMessages(b._server_messages);
    if (messages.length) message = messages.join("; ");
    else if (b.exception) message = b.exception;
    else if (typeof b.message === "string") message = b.message;
    if (b.exc_type) message = `${b.exc_type}: ${message}`;
  }
  return { message, details };
}

export function parseServerMessages(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as unknown[];
    return list.map((item) => {
      try {
        const parsed = typeof item === "string" ? JSON.parse(item) : item;
        return stripHtml(String((parsed as { message?: string }).message ?? parsed));
      } catch {
        return String(item);
      }
    });
  } catch {
    return [raw];
  }
}

const stripHtml = (s: string) => s.replace(/<[^>]+>/g, "");
