import { errorMessage, HttpError } from "../errors";
import type { WixSubscription } from "../flows/declaration";
import { FLOW_NAMES, FLOWS } from "../flows/registry";
import { catalogProblem } from "../ops/catalog-check";
import type { SiteCatalog } from "../wix/catalog";
import type { WixClient } from "../wix/client";
import type { Problem } from "./document-plan";

/**
 * The Wix side of setup. The Wix app dashboard has no API for webhook subscriptions, so setup
 * checks what it can read and prints what the app owner must do by hand.
 */

export type WixEventNeed = WixSubscription;

/**
 * What each flow's declaration asks the app owner to subscribe to (`wix.subscriptions`), once
 * each; those marked `catalog` only sites on that catalog version send.
 */
export const WIX_WEBHOOK_EVENTS: readonly WixEventNeed[] = FLOW_NAMES.flatMap(
  (flow) => (FLOWS[flow] as { wix?: { subscriptions: readonly WixSubscription[] } }).wix?.subscriptions ?? [],
).filter((need, i, all) => all.findIndex((n) => n.eventType === need.eventType) === i);

/**
 * The app's permission scopes (doc comments `@permissionScope` / `@permissionScopeId` of the
 * `@wix/auto_sdk_*` packages: products, inventory and categories under Stores; orders,
 * fulfilments, transactions and billing under eCommerce).
 */
export const WIX_PERMISSIONS = [
  "Manage Stores - all permissions (SCOPE.DC-STORES-MEGA.MANAGE-STORES): products, inventory, categories",
  "Manage eCommerce - all permissions (SCOPE.DC-ECOM-MEGA.MANAGE-ECOM): orders, fulfillments, transactions, refunds",
] as const;

/**
 * What setup reads of a site: the version and orders from its WixClient, the catalog from its
 * SiteCatalog (shared/wix/catalog.ts: V3's client or the V1 adapters, by the version it runs).
 */
export type SetupWix = Pick<WixClient, "catalogVersion" | "searchOrders"> &
  Pick<SiteCatalog, "findVariantsBySku" | "inventoryBySku" | "findCategories">;

/** A site's SetupWix: `client` for the version and orders, `catalog` (its SiteCatalog) for the rest. */
export const setupWixOf = (
  client: Pick<WixClient, "catalogVersion" | "searchOrders">,
  catalog: Pick<SiteCatalog, "findVariantsBySku" | "inventoryBySku" | "findCategories">,
): SetupWix => ({
  catalogVersion: (opts) => client.catalogVersion(opts),
  searchOrders: (since, cursor) => client.searchOrders(since, cursor),
  findVariantsBySku: (skus) => catalog.findVariantsBySku(skus),
  inventoryBySku: (skus, locationId) => catalog.inventoryBySku(skus, locationId),
  findCategories: (name) => catalog.findCategories(name),
});

/** What setup could read of Wix, and each problem with its fix. */
export interface WixCheck {
  catalogVersion?: string;
  problems: Problem[];
}

/**
 * Credentials, catalog version (V1 and V3 are synced; `locationId`, the site's WIX_LOCATION_ID,
 * only V3 can honour) and, with one harmless read each, the permissions: a 403 names the scope
 * that is missing. Writes cannot be probed without writing, so they are listed for the owner.
 */
export async function checkWix(
  wix: SetupWix,
  tick: (note: string) => void = () => {},
  locationId?: string,
): Promise<WixCheck> {
  const problems: Problem[] = [];
  let catalogVersion: string | undefined;
  try {
    catalogVersion = await wix.catalogVersion({ probe: true });
    const problem = catalogProblem(catalogVersion, locationId);
    if (problem) problems.push({ system: "Wix", ...problem });
  } catch (error) {
    problems.push(wixProblem("read the catalog version", error, WIX_PERMISSIONS[0]));
    return { problems };
  } finally {
    tick("Wix catalog version");
  }
  const probe = "erpnext-wix-sync-setup-probe";
  // A site without Stores (or of an unknown catalog) has no catalog to read.
  const synced = catalogVersion === "V1_CATALOG" || catalogVersion === "V3_CATALOG";
  type Read = [string, () => Promise<unknown>, string];
  const reads: Read[] = [
    ["search orders", () => wix.searchOrders(new Date().toISOString()), WIX_PERMISSIONS[1]],
  ];
  if (synced)
    reads.unshift(
      ["search product variants", () => wix.findVariantsBySku([probe]), WIX_PERMISSIONS[0]],
      ["query inventory", () => wix.inventoryBySku([probe]), WIX_PERMISSIONS[0]],
      ["query categories", () => wix.findCategories(probe), WIX_PERMISSIONS[0]],
    );
  for (const [what, read, scope] of reads) {
    try {
      await read();
    } catch (error) {
      problems.push(wixProblem(what, error, scope));
    }
    tick(`Wix: ${what}`);
  }
  return { catalogVersion, problems };
}

function wixProblem(what: string, error: unknown, scope: string): Problem {
  const status = error instanceof HttpError ? error.status : 0;
  if (status === 401)
    return {
      system: "Wix",
      what: `cannot ${what}: credentials refused (${errorMessage(error)})`,
      fix: "check WIX_API_KEY + WIX_SITE_ID, or WIX_APP_ID + WIX_APP_SECRET + WIX_INSTANCE_ID (the app installed on this site)",
    };
  if (status === 403)
    return {
      system: "Wix",
      what: `cannot ${what}: permission refused`,
      fix: `give the app (or API key) the permission ${scope}`,
    };
  return {
    system: "Wix",
    what: `cannot ${what}: ${errorMessage(error)}`,
    fix: "check WIX_API_URL and that Wix answers, then run setup again",
  };
}

/**
 * The instructions for the Wix app owner, in words. `versions`: each site's catalog version (as
 * setup read them); a site on Catalog V1 also needs V1's catalog and inventory events.
 */
export function wixInstructions(
  wixWebhookUrl: string | undefined,
  versions: Record<string, string | undefined> = {},
): string[] {
  const url = wixWebhookUrl ?? "the WixWebhookUrl output (AWS) or https://<your host>/webhooks/wix";
  const line = (e: WixEventNeed) => `    - ${e.dashboard}  (${e.eventType}: ${e.why})`;
  const v1Sites = Object.keys(versions).filter((site) => versions[site] === "V1_CATALOG");
  const v1Events = WIX_WEBHOOK_EVENTS.filter((e) => e.catalog === "V1_CATALOG");
  const single = Object.keys(versions).length === 1;
  return [
    "Wix app owner (the app dashboard has no API for this; do it once by hand):",
    `  In Develop > Webhooks, subscribe each event below with the callback URL ${url}:`,
    ...WIX_WEBHOOK_EVENTS.filter((e) => !e.catalog).map(line),
    ...(v1Sites.length
      ? [
          single
            ? "  The site runs Catalog V1: also subscribe its catalog and inventory events:"
            : `  Sites on Catalog V1 (${v1Sites.join(", ")}): also subscribe their catalog and inventory events:`,
          ...v1Events.map(line),
        ]
      : []),
    "  Copy the app's public key (Webhooks page) into WIX_WEBHOOK_PUBLIC_KEY.",
    "  Permissions (Develop > Permissions):",
    ...WIX_PERMISSIONS.map((p) => `    - ${p}`),
  ];
}
