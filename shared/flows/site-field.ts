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
