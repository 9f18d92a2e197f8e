import type { StatusUpdate } from "./ports";

/** The Item's Wix status (a Select Custom Field: Synced / Pending / Hidden / Error). */
export type WixStatus = "Synced" | "Pending" | "Hidden" | "Error";

/** ERPNext Datetime fields hold "YYYY-MM-DD HH:MM:SS" (site time; we write UTC). */
export function frappeDatetime(at: Date): string {
  return at.toISOString().slice(0, 19).replace("T", " ");
}

/** Small Text holds what a person reads in the form: long reasons are cut. */
const MAX_ERROR = 1000;

/** The Wix dashboard's pages for a product and an order of the site (empty without a site id). */
const DASHBOARD = "https://manage.wix.com/dashboard";
export const wixProductLink = (siteId: string | undefined, productId: string) =>
  siteId ? `${DASHBOARD}/${siteId}/store/products/product/${productId}` : "";
export const wixOrderLink = (siteId: string | undefined, orderId: string) =>
  siteId ? `${DASHBOARD}/${siteId}/store/orders/order/${orderId}` : "";

/**
 * An Item's status fields. Synced clears the last error; the product id and link are kept as they
 * are when this outcome does not know them (a failure of an item never published).
 */
export function itemStatus(
  itemCode: string,
  status: WixStatus,
  opts: { at: Date; productId?: string; siteId?: string; error?: string },
): StatusUpdate {
  const fields: Record<string, string | null> = {
    wix_status: status,
    wix_last_error: status === "Synced" ? "" : (opts.error ?? "").slice(0, MAX_ERROR),
  };
  if (status === "Synced" || status === "Hidden") fields.wix_last_synced = frappeDatetime(opts.at);
  if (opts.productId) {
    fields.wix_product_id = opts.productId;
    fields.wix_product_link = wixProductLink(opts.siteId, opts.productId);
  }
  return { doctype: "Item", name: itemCode, fields };
}

/**
 * The Sales Order's Wix fields, sent with the insert itself (a draft), so no second write, no
 * `modified` bump and no edit of a submitted order are needed. Without the Custom Fields Frappe
 * drops unknown keys on insert (BaseDocument.get_valid_dict keeps the meta's fields only).
 */
export function salesOrderWixFields(
  order: { id: string; number: string },
  siteId: string | undefined,
): Record<string, string> {
  return {
    wix_order_id: order.id,
    wix_order_number: order.number,
    wix_order_link: wixOrderLink(siteId, order.id),
  };
}
