import { errorMessage, HttpError } from "../errors";
import type { WixSubscription } from "../flows/declaration";
import { FLOW_NAMES, FLOWS } from "../flows/registry";
import type { WixClient } from "../wix/client";
import type { Problem } from "./document-plan";

/**
 * The Wix side of setup. The Wix app dashboard has no API for webhook subscriptions, so setup
 * checks what it can read and prints what the app owner must do by hand.
 */

export type WixEventNeed = WixSubscription;

/** What each flow's declaration asks the app owner to subscribe to (`wix.subscriptions`), once each. */
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

export type SetupWix = Pick<
  WixClient,
  "catalogVersion" | "findVariantsBySku" | "inventoryBySku" | "findCategories" | "searchOrders"
>;

/** What setup could read of Wix, and each problem with its fix. */
export interface WixCheck {
  catalogVersion?: string;
  problems: Problem[];
}

/**
 * Credentials, catalog version and, with one harmless read each, the permissions: a 403 names the
 * scope that is missing. Writes cannot be probed without writing, so they are listed for the owner.
 */
export async function checkWix(wix: SetupWix, tick: (note: string) => void = () => {}): Promise<WixCheck> {
  const problems: Problem[] = [];
  let catalogVersion: string | undefined;
  try {
    catalogVersion = await wix.catalogVersion({ probe: true });
    if (catalogVersion !== "V3_CATALOG") {
      problems.push({
        system: "Wix",
        what: `the site runs catalog ${catalogVersion}; only Catalog V3 is synced`,
        fix: "move the store to Catalog V3 (Wix migrates sites from the dashboard), or use a V3 site",
      });
    }
  } catch (error) {
    problems.push(wixProblem("read the catalog version", error, WIX_PERMISSIONS[0]));
    return { problems };
  } finally {
    tick("Wix catalog version");
  }
  const probe = "erpnext-wix-sync-setup-probe";
  const reads: [string, () => Promise<unknown>, string][] = [
    ["search product variants", () => wix.findVariantsBySku([probe]), WIX_PERMISSIONS[0]],
    ["query inventory", () => wix.inventoryBySku([probe]), WIX_PERMISSIONS[0]],
    ["query categories", () => wix.findCategories(probe), WIX_PERMISSIONS[0]],
    ["search orders", () => wix.searchOrders(new Date().toISOString()), WIX_PERMISSIONS[1]],
  ];
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

/** The instructions for the Wix app owner, in words. */
export function wixInstructions(wixWebhookUrl: string | undefined): string[] {
  const url = wixWebhookUrl ?? "the WixWebhookUrl output (AWS) or https://<your host>/webhooks/wix";
  return [
    "Wix app owner (the app dashboard has no API for this; do it once by hand):",
    `  In Develop > Webhooks, subscribe each event below with the callback URL ${url}:`,
    ...WIX_WEBHOOK_EVENTS.map((e) => `    - ${e.dashboard}  (${e.eventType}: ${e.why})`),
    "  Copy the app's public key (Webhooks page) into WIX_WEBHOOK_PUBLIC_KEY.",
    "  Permissions (Develop > Permissions):",
    ...WIX_PERMISSIONS.map((p) => `    - ${p}`),
  ];
}
