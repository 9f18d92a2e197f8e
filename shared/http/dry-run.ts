import { DryRunSkipped } from "../errors";
import type { HttpRequest } from "./request";

/**
 * Test mode (`DRY_RUN=true`) at the one place every flow's writes pass: the HTTP client. Reads go
 * out; a write is withheld, reported to `record` as what would have been sent, and answered with
 * `DryRunSkipped`. Flows added later are covered without code of their own.
 */
export interface WriteGuard {
  /** Whether this request only reads (it is sent even in test mode). */
  isRead(req: Pick<HttpRequest, "method" | "path">): boolean;
  /** Told of every withheld write (the worker runtime puts it in the sync log). */
  record(intent: DryRunSkipped["intent"]): void;
}

/**
 * Wix answers reads over POST for queries and searches. Each is listed by its path, from the
 * request builders of the official SDK packages (build/cjs/index.js): Search Variants
 * (@wix/auto_sdk_stores_read-only-variants-v-3), Query/Search Products
 * (@wix/auto_sdk_stores_products-v-3), Query Inventory Items (@wix/auto_sdk_stores_inventory-items-v-3),
 * Query Categories (@wix/auto_sdk_categories_categories), Search Orders (@wix/auto_sdk_ecom_orders),
 * List Fulfillments / Transactions For Multiple Orders (@wix/auto_sdk_ecom_order-fulfillments,
 * @wix/auto_sdk_ecom_order-transactions: ECOM.READ_FULFILLMENTS, ECOM.READ_TRANSACTIONS).
 * tests/contract/test-mode.test.ts checks every Wix call we make against the SDK's own verb.
 */
export const WIX_READ_POSTS: readonly string[] = [
  "/stores/v3/products/search-variants",
  "/stores/v3/products/query",
  "/stores/v3/products/search",
  "/stores/v3/inventory-items/query",
  "/stores/v3/inventory-items/search",
  "/categories/v1/categories/query",
  "/categories/v1/categories/search",
  "/ecom/v1/orders/search",
  "/ecom/v1/fulfillments/list-by-ids",
  "/ecom/v1/payments/list-by-ids",
];

/**
 * Frappe methods that only read, called over POST too: the whitelisted readers of
 * frappe/client.py (get_list, get_count, get, get_value, get_single_value) and
 * frappe/desk/reportview.py (get, get_count); and the whitelisted mappers we call, which only build
 * an unsaved document with get_mapped_doc (frappe/model/mapper.py) and return it: make_delivery_note
 * and make_sales_invoice (erpnext/selling/doctype/sales_order/sales_order.py), the two
 * make_sales_return (sales_invoice.py, delivery_note.py -> make_return_doc in
 * erpnext/controllers/sales_and_purchase_return.py).
 */
export const ERPNEXT_READ_METHODS: readonly string[] = [
  "frappe.client.get_list",
  "frappe.client.get_count",
  "frappe.client.get",
  "frappe.client.get_value",
  "frappe.client.get_single_value",
  "frappe.desk.reportview.get",
  "frappe.desk.reportview.get_count",
  "frappe.auth.get_logged_user",
  "erpnext.selling.doctype.sales_order.sales_order.make_delivery_note",
  "erpnext.selling.doctype.sales_order.sales_order.make_sales_invoice",
  "erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return",
  "erpnext.stock.doctype.delivery_note.delivery_note.make_sales_return",
];

/**
 * Catalog V1's read API as www.wixapis.com maps it: every path under it is a CatalogReadApi
 * method (@wix/auto_sdk_stores_products build/cjs/index.js, the domain mapping of
 * `resolveWixCatalogApiV1CatalogReadApiUrl`), the POST queries with an id in the path included.
 */
const WIX_V1_CATALOG_READER = "/stores-reader/";

export function isWixRead(req: Pick<HttpRequest, "method" | "path">): boolean {
  if (req.method === "GET") return true;
  const path = pathOnly(req.path);
  return req.method === "POST" && (WIX_READ_POSTS.includes(path) || path.startsWith(WIX_V1_CATALOG_READER));
}

export function isErpnextRead(req: Pick<HttpRequest, "method" | "path">): boolean {
  if (req.method === "GET") return true;
  const method = /^\/api\/method\/([^/?]+)/.exec(req.path)?.[1];
  return (
    req.method === "POST" && method !== undefined && ERPNEXT_READ_METHODS.includes(decodeURIComponent(method))
  );
}

/** The withheld write as a short, secret-free summary: what the body names, never the body. */
export function summarize(req: Pick<HttpRequest, "method" | "path" | "body">): string {
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object") return "";
  const lists = Object.entries(body).filter(([, v]) => Array.isArray(v)) as [string, unknown[]][];
  if (lists.length) return lists.map(([k, v]) => `${v.length} ${k}`).join(", ");
  const named = ["name", "item_code", "customer", "customer_name", "doctype"].flatMap((k) =>
    typeof body[k] === "string" ? [`${k}=${body[k]}`] : [],
  );
  if (named.length) return named.join(", ");
  const keys = Object.keys(body);
  return keys.length ? `fields: ${keys.slice(0, 6).join(", ")}${keys.length > 6 ? ", ..." : ""}` : "";
}

function pathOnly(path: string): string {
  return path.split("?")[0] as string;
}

/** Withholds the write when `guard` says it is not a read (called before any attempt). */
export function guardWrite(
  system: string,
  guard: WriteGuard | undefined,
  req: Pick<HttpRequest, "method" | "path" | "body">,
): void {
  if (!guard || guard.isRead(req)) return;
  const intent = { system, method: req.method, path: pathOnly(req.path), summary: summarize(req) };
  guard.record(intent);
  throw new DryRunSkipped(intent);
}
