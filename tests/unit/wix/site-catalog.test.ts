import { describe, expect, test } from "@jest/globals";
import { HttpError, PermanentError, RetryableError } from "#shared/errors";
import type { CatalogVersion } from "#shared/flows/wix-catalog";
import { CATALOG_VERSION_TTL_MS, SiteCatalog, type V1Adapters, type V3Catalog } from "#shared/wix/catalog";

/**
 * A port implementation that records each call as "<side>.<method>" and answers `[]`, or throws
 * what `fail` holds for that method (once).
 */
function recording<T extends object>(side: string, calls: string[], fail: Map<string, Error>): T {
  return new Proxy({} as T, {
    get: (target, method: string) =>
      (target as Record<string, unknown>)[method] ??
      (async () => {
        calls.push(`${side}.${method}`);
        const error = fail.get(`${side}.${method}`);
        fail.delete(`${side}.${method}`);
        if (error) throw error;
        return [];
      }),
  });
}

/** A site whose catalog version Wix answers from `versions` (the last one repeats). */
function site(versions: CatalogVersion[]) {
  const calls: string[] = [];
  const fail = new Map<string, Error>();
  let clock = 0;
  const answers = [...versions];
  const v3 = recording<V3Catalog>("v3", calls, fail);
  v3.catalogVersion = async (opts?: { probe?: boolean }) => {
    calls.push(opts?.probe ? "version(probe)" : "version");
    return answers.length > 1 ? (answers.shift() as CatalogVersion) : (answers[0] as CatalogVersion);
  };
  const v1: V1Adapters = {
    products: recording("v1.products", calls, fail),
    inventory: recording("v1.inventory", calls, fail),
    collections: recording("v1.collections", calls, fail),
  };
  const catalog = new SiteCatalog({ v3, v1, site: "eu", now: () => clock });
  return { catalog, calls, fail, tick: (ms: number) => (clock += ms) };
}

/** Wix's 428 for a call to the catalog the site does not run. */
const wrongCatalog = (code: string) => new HttpError(`Wix -> 428: ${code}`, 428, false, { code });

describe("SiteCatalog: each port call goes to the adapters of the site's catalog version", () => {
  test("a V3 site: every port is the V3 client; the version is asked once per TTL, never longer", async () => {
    const { catalog, calls, tick } = site(["V3_CATALOG"]);
    await catalog.findVariantsBySku(["A"]);
    await catalog.inventoryBySku(["A"]);
    await catalog.findCategories("Cups");
    tick(CATALOG_VERSION_TTL_MS - 1);
    await catalog.allVariants();
    tick(1);
    await catalog.getProduct("p1");
    expect(calls).toEqual([
      "version",
      "v3.findVariantsBySku",
      "v3.inventoryBySku",
      "v3.findCategories",
      "v3.allVariants",
      "version",
      "v3.getProduct",
    ]);
    expect(CATALOG_VERSION_TTL_MS).toBeLessThanOrEqual(10 * 60_000);
  });

  test("a V1 site: products, inventory and collections go to the V1 adapters", async () => {
    const { catalog, calls } = site(["V1_CATALOG"]);
    await catalog.bulkCreateProducts([]);
    await catalog.bulkUpdateInventory([]);
    await catalog.addToCategory("c1", ["p1"]);
    expect(calls).toEqual([
      "version",
      "v1.products.bulkCreateProducts",
      "v1.inventory.bulkUpdateInventory",
      "v1.collections.addToCategory",
    ]);
  });

  test("Wix converted the site to V3 within the TTL: the V1 call's 428 asks the version again and the call runs on V3 at once", async () => {
    const { catalog, calls, fail } = site(["V1_CATALOG", "V3_CATALOG"]);
    await catalog.findVariantsBySku(["A"]);
    fail.set("v1.products.bulkUpdateProducts", wrongCatalog("CATALOG_V3_SITE_CALLING_CATALOG_V1_API"));
    await catalog.bulkUpdateProducts([]);
    await catalog.bulkUpdateProducts([]);
    expect(calls).toEqual([
      "version",
      "v1.products.findVariantsBySku",
      "v1.products.bulkUpdateProducts",
      "version",
      "v3.bulkUpdateProducts",
      "v3.bulkUpdateProducts",
    ]);
  });

  test("a V3 call answered 'this site runs V1' forgets the version too", async () => {
    const { catalog, calls, fail } = site(["V3_CATALOG", "V1_CATALOG"]);
    fail.set("v3.inventoryBySku", wrongCatalog("CATALOG_V1_SITE_CALLING_CATALOG_V3_API"));
    await catalog.inventoryBySku(["A"]);
    expect(calls).toEqual(["version", "v3.inventoryBySku", "version", "v1.inventory.inventoryBySku"]);
  });

  test("a 428 while Wix still answers the old version fails retryably, naming the site", async () => {
    const { catalog, fail } = site(["V1_CATALOG", "V1_CATALOG"]);
    fail.set("v1.products.bulkUpdateProducts", wrongCatalog("CATALOG_V3_SITE_CALLING_CATALOG_V1_API"));
    const error = await catalog.bulkUpdateProducts([]).catch((e) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(String(error.message)).toContain("site eu");
  });

  test("any other error passes through as it is, and the version stays cached", async () => {
    const { catalog, calls, fail } = site(["V3_CATALOG"]);
    const other = new HttpError("Wix -> 400: bad", 400, false, { code: "INVALID_ARGUMENT" });
    fail.set("v3.createCategory", other);
    expect(await catalog.createCategory("x").catch((e) => e)).toBe(other);
    await catalog.createCategory("x");
    expect(calls).toEqual(["version", "v3.createCategory", "v3.createCategory"]);
  });

  test("a site without Wix Stores: a clear permanent error naming the site, and no catalog call", async () => {
    const { catalog, calls } = site(["STORES_NOT_INSTALLED"]);
    const error = await catalog.findVariantsBySku(["A"]).catch((e) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe("Wix Stores is not installed on site eu");
    expect(calls).toEqual(["version"]);
  });

  test("a probe asks Wix past the cache; a failed question is not remembered", async () => {
    const { catalog, calls } = site(["V3_CATALOG"]);
    await catalog.catalogVersion();
    expect(await catalog.catalogVersion({ probe: true })).toBe("V3_CATALOG");
    let first = true;
    const asked: string[] = [];
    const flaky = new SiteCatalog({
      v3: {
        ...({} as V3Catalog),
        catalogVersion: async () => {
          asked.push("version");
          if (first) {
            first = false;
            throw new HttpError("Wix -> 503", 503, true);
          }
          return "V3_CATALOG";
        },
      },
      v1: {} as V1Adapters,
    });
    await expect(flaky.catalogVersion()).rejects.toBeInstanceOf(HttpError);
    expect(await flaky.catalogVersion()).toBe("V3_CATALOG");
    expect(asked).toEqual(["version", "version"]);
    expect(calls).toEqual(["version", "version(probe)"]);
  });
});
