/**
 * The catalog with several Wix sites on one ERPNext: two sites' products use-cases over one
 * in-memory ERPNext, each with its own Wix and its own state (as each site's core has).
 */
import { beforeEach, describe, expect, test } from "@jest/globals";
import { productCatchup } from "#shared/flows/products/catchup";
import { itemStatusUpdates } from "#shared/flows/products/item-status";
import type { SiteScope } from "#shared/flows/products/scope";
import { ProductSync } from "#shared/flows/products/sync";
import { FakeQueue } from "./fakes";
import { FakeLog, FakeState, FakeWixProducts, ItemsErpnext, PRICE_LIST } from "./product-fakes";

const EU_LIST = "EU Selling";

interface Site {
  scope: SiteScope;
  wix: FakeWixProducts;
  state: FakeState;
  sync: ProductSync;
}

let erpnext: ItemsErpnext;
let us: Site;
let eu: Site;
let scopes: SiteScope[];

function site(scope: SiteScope): Site {
  const wix = new FakeWixProducts();
  const state = new FakeState();
  const sync = new ProductSync({
    erpnext,
    wix,
    state,
    log: new FakeLog(),
    erpnextUrl: "https://erp.example.com",
    ...scope,
    sites: async () => scopes,
  });
  return { scope, wix, state, sync };
}

/** A second price of the item, on the EU list. */
const euPrice = (code: string, rate: number) =>
  erpnext.prices.set(`EU-${code}`, {
    name: `EU-${code}`,
    item_code: code,
    price_list: EU_LIST,
    price_list_rate: rate,
  });

/** Both sites take the same news side by side, as the products worker's fan-out does. */
const both = (codes: string[]) => Promise.all([us.sync.syncItems(codes), eu.sync.syncItems(codes)]);

/**
 * An Item Group tree as ERPNext numbers it (nested set, frappe/utils/nestedset.py):
 * All Item Groups > Drinkware > (Mugs, Cups); All Item Groups > Apparel.
 */
function seedTree() {
  for (const [name, lft, rgt] of [
    ["All Item Groups", 1, 10],
    ["Drinkware", 2, 7],
    ["Mugs", 3, 4],
    ["Cups", 5, 6],
    ["Apparel", 8, 9],
  ] as const)
    erpnext.seed("Item Group", { name, lft, rgt });
}

beforeEach(() => {
  erpnext = new ItemsErpnext();
  seedTree();
  us = site({ site: "us", priceList: PRICE_LIST, itemGroups: [] });
  eu = site({ site: "eu", priceList: EU_LIST, itemGroups: [] });
  scopes = [us.scope, eu.scope];
});

describe("an item is for sale on the sites whose price list lists it", () => {
  test("an item only in site B's price list is published only on B, and A makes no Wix call", async () => {
    erpnext.item("EU-MUG").price("EU-MUG", 9, { price_list: EU_LIST });
    const [onUs, onEu] = await both(["EU-MUG"]);

    expect(onEu).toEqual([{ itemCode: "EU-MUG", outcome: "created" }]);
    expect(eu.wix.bySku("EU-MUG")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("9.00");
    expect(onUs).toMatchObject([{ itemCode: "EU-MUG", outcome: "skipped", statusElsewhere: "eu" }]);
    expect(us.wix.calls).toEqual([]);
    expect(us.state.mappings.size).toBe(0);
  });

  test("an item in both lists is one product per site, each at its own list's price", async () => {
    erpnext.item("MUG").price("MUG", 12);
    euPrice("MUG", 11);
    await both(["MUG"]);
    expect(us.wix.bySku("MUG")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("12.00");
    expect(eu.wix.bySku("MUG")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("11.00");
  });

  test("a site's published item that leaves its price list is hidden there; the other site keeps it", async () => {
    erpnext.item("MUG").price("MUG", 12);
    euPrice("MUG", 11);
    await both(["MUG"]);
    erpnext.prices.delete("PRICE-MUG");
    us.wix.calls.length = 0;
    eu.wix.calls.length = 0;

    const [onUs, onEu] = await both(["MUG"]);
    expect(onUs).toMatchObject([{ itemCode: "MUG", outcome: "hidden", statusElsewhere: "eu" }]);
    expect(onUs[0]?.reason).toMatch(/not in price list Standard Selling/);
    expect(us.wix.bySku("MUG")?.visible).toBe(false);
    expect(onEu).toMatchObject([{ itemCode: "MUG", outcome: "skipped", reason: "unchanged" }]);
    expect(eu.wix.calls).toEqual([]);
  });

  test("an item no site prices waits for a price on every site, as with one site", async () => {
    erpnext.item("NEW");
    const [onUs, onEu] = await both(["NEW"]);
    expect(onUs).toEqual([
      { itemCode: "NEW", outcome: "skipped", reason: 'not published: item "NEW" has no valid selling price' },
    ]);
    // The first site's result is the one the Item shows.
    expect(onEu).toMatchObject([{ outcome: "skipped", statusElsewhere: "us" }]);
  });
});

describe("a site's item groups (ERPNEXT_ITEM_GROUPS) take their sub-groups too", () => {
  beforeEach(() => {
    eu = site({ site: "eu", priceList: PRICE_LIST, itemGroups: ["Drinkware"] });
    scopes = [us.scope, eu.scope];
  });

  test("an item of a sub-group is published; one of another group costs the site no Wix call", async () => {
    erpnext.item("MUG", { item_group: "Mugs" }).price("MUG", 12);
    erpnext.item("TEE", { item_group: "Apparel" }).price("TEE", 20);
    const [onUs, onEu] = await both(["MUG", "TEE"]);

    expect(onUs.map((r) => r.outcome)).toEqual(["created", "created"]);
    expect(onEu).toEqual(
      expect.arrayContaining([
        // us, the first site, sells it too: the Item shows us's result.
        { itemCode: "MUG", outcome: "created", statusElsewhere: "us" },
        {
          itemCode: "TEE",
          outcome: "skipped",
          reason: "not for sale on this site: item group Apparel is not among Drinkware",
          statusElsewhere: "us",
        },
      ]),
    );
    expect(eu.wix.bySku("TEE")).toBeUndefined();
    expect(eu.wix.calls.filter((c) => c !== "catalogVersion")).toEqual([
      "findVariantsBySku",
      "bulkCreateProducts",
    ]);
  });

  test("a published item moved out of the site's groups is hidden there with the reason", async () => {
    erpnext.item("MUG", { item_group: "Cups" }).price("MUG", 12);
    await eu.sync.syncItems(["MUG"]);
    erpnext.item("MUG", { item_group: "Apparel" });

    const [hidden] = await eu.sync.syncItems(["MUG"]);
    expect(hidden).toMatchObject({
      outcome: "hidden",
      reason: expect.stringMatching(/Apparel is not among/),
    });
    expect(eu.wix.bySku("MUG")?.visible).toBe(false);
  });

  test("every site asks ERPNext the same reads, so the fan-out's shared reads serve them all", async () => {
    eu = site({ site: "eu", priceList: EU_LIST, itemGroups: ["Drinkware"] });
    scopes = [us.scope, eu.scope];
    erpnext.item("MUG", { item_group: "Mugs" }).price("MUG", 12);
    euPrice("MUG", 11);
    let reads: string[] = [];
    const listAll = erpnext.listAll.bind(erpnext);
    erpnext.listAll = async (doctype, opts) => {
      reads.push(`${doctype} ${JSON.stringify(opts)}`);
      return listAll(doctype, opts);
    };
    await us.sync.syncItems(["MUG"]);
    const usReads = reads;
    reads = [];
    await eu.sync.syncItems(["MUG"]);
    expect(reads).toEqual(usReads);
    expect(usReads.filter((r) => r.startsWith("Item Group"))).toHaveLength(1);
    // Both sites' price lists in one query.
    expect(usReads.find((r) => r.startsWith("Item Price"))).toContain(
      '["price_list","in",["Standard Selling","EU Selling"]]',
    );
    expect(eu.wix.bySku("MUG")?.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("11.00");
  });
});

describe("the Item's status fields show one site's result", () => {
  test("only the site that sells the item writes its status; the first site for an item both sell", async () => {
    erpnext.item("EU-MUG").price("EU-MUG", 9, { price_list: EU_LIST });
    erpnext.item("MUG").price("MUG", 12);
    euPrice("MUG", 11);
    const [onUs, onEu] = await both(["EU-MUG", "MUG"]);
    const updates = async (s: Site, results: typeof onUs) =>
      (await itemStatusUpdates(results, { mappings: (c) => s.state.getMappings(c) })).map((u) => u.name);

    expect(await updates(us, onUs)).toEqual(["MUG"]);
    expect(await updates(eu, onEu)).toEqual(["EU-MUG"]);
  });
});

describe("the Item's status follows the item to the site that sells it now", () => {
  test("when the first site stops selling it, the other site writes its status though unchanged there", async () => {
    erpnext.item("MUG").price("MUG", 12);
    euPrice("MUG", 11);
    await both(["MUG"]);
    erpnext.prices.delete("PRICE-MUG");

    const [onUs, onEu] = await both(["MUG"]);
    const [shown] = await itemStatusUpdates([...onUs, ...onEu], {
      mappings: (c) => eu.state.getMappings(c),
      siteId: "eu-site",
    });
    expect(shown).toMatchObject({
      name: "MUG",
      fields: { wix_status: "Synced", wix_last_error: "", wix_product_id: eu.wix.bySku("MUG")?.id },
    });
    expect(await itemStatusUpdates(onUs, { mappings: (c) => us.state.getMappings(c) })).toEqual([]);
  });
});

describe("product-catchup with several sites reads ERPNext once and moves each site's watermark", () => {
  const at = (minute: number) => `2025-03-01 10:${String(minute).padStart(2, "0")}:00.000000`;

  test("from the oldest watermark; a site added later (no watermark) makes it a full read", async () => {
    erpnext.seed("Item", { name: "OLD", modified: at(1) });
    erpnext.seed("Item", { name: "MID", modified: at(5) });
    erpnext.seed("Item", { name: "NEW", modified: at(9) });
    const [a, b, added] = [new FakeState(), new FakeState(), new FakeState()];
    a.watermarks.set("product-catchup:Item", at(9));
    b.watermarks.set("product-catchup:Item", at(5));
    const queue = new FakeQueue();
    const sites = [{ state: a }, { state: b }];
    const whoAmI = async () => "integration@example.com";
    const run = () => productCatchup({ erpnext: Object.assign(erpnext, { whoAmI }), state: a, queue, sites });

    expect((await run()).byDoctype.Item).toBe(2); // from b's 10:05: MID and NEW
    expect(a.watermarks.get("product-catchup:Item")).toBe(at(9));
    expect(b.watermarks.get("product-catchup:Item")).toBe(at(9));
    expect(erpnext.calls.filter((c) => c === "list Item")).toHaveLength(1);

    sites.push({ state: added });
    queue.sent.length = 0;
    expect((await run()).byDoctype.Item).toBe(3);
    expect(added.watermarks.get("product-catchup:Item")).toBe(at(9));
    // Each site's heartbeat: health is per site.
    expect([a, b, added].map((s) => s.successes.length)).toEqual([2, 2, 1]);
  });
});
