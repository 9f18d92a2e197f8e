/**
 * What a site's Wix catalog version means for the sync, in one wording for health, doctor and
 * setup. Both Catalog V1 and V3 are synced; `STORES_NOT_INSTALLED` is a site without Wix Stores
 * (the `Version` enum of GetCatalogVersionResponse, @wix/auto_sdk_stores_catalog-versioning
 * build/cjs/meta.d.ts).
 */
export interface CatalogProblem {
  what: string;
  fix: string;
}

/** What stops the sync on a site of this catalog version and settings; undefined when nothing does. */
export function catalogProblem(version: string, locationId?: string): CatalogProblem | undefined {
  if (version === "STORES_NOT_INSTALLED")
    return {
      what: "Wix Stores is not installed on the site",
      fix: "add Wix Stores to the site (Wix App Market), then run setup again",
    };
  // V1 inventory keeps one quantity per variant: its InventoryItemV2 has no location
  // (@wix/auto_sdk_stores_inventory build/cjs/meta.d.ts).
  if (version === "V1_CATALOG" && locationId)
    return {
      what: "Catalog V1 has no inventory locations: unset WIX_LOCATION_ID",
      fix: "remove WIX_LOCATION_ID from this site's settings (Wix keeps one stock per variant on Catalog V1)",
    };
  if (version !== "V1_CATALOG" && version !== "V3_CATALOG")
    return {
      what: `Wix answers an unknown catalog version ${version}`,
      fix: "check WIX_API_URL; report it if Wix added a catalog version",
    };
  return undefined;
}

/** How health and setup name a synced catalog version. */
export const catalogName = (version: string): string =>
  version === "V1_CATALOG" ? "Catalog V1" : version === "V3_CATALOG" ? "Catalog V3" : version;
