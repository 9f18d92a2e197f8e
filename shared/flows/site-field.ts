import { DEFAULT_SITE } from "../config/settings";

/**
 * The Wix site a Sales Order was made for, and the one where a Customer was first seen: a Custom
 * Field the orders flow declares (setup makes it). Order numbers repeat across sites (every Wix
 * site starts at 10001), so a Sales Order found by its number is ours only when it is our site's.
 */
export const SITE_FIELD = "wix_site";

/**
 * Whether a document whose `wix_site` reads `recorded` is this site's. One without it was made
 * before there were sites (or without setup's Custom Field, which Frappe needs to keep the value):
 * the default site's, the only one there was.
 */
export const isSitesDocument = (recorded: unknown, site: string): boolean =>
  recorded ? recorded === site : site === DEFAULT_SITE;

/**
 * A Wix order's reference in ERPNext (the Sales Order's `po_no`, copied to its invoices, and its
 * payments' `reference_no`): the order number, prefixed with the site's name on any site but the
 * default one. Every Wix site numbers from 10001, and ERPNext refuses a second Sales Order with
 * one customer's `po_no` (validate_po, erpnext/selling/doctype/sales_order/sales_order.py, unless
 * Selling Settings allow_against_multiple_purchase_orders): one buyer's #10001 on two sites must
 * not meet there. The default site's stay the plain numbers they always were.
 */
export const orderReference = (orderNumber: string, site: string): string =>
  site === DEFAULT_SITE ? orderNumber : `${site}-${orderNumber}`;
