import { beforeEach, describe, expect, test } from "@jest/globals";
import type { DocFilter } from "#shared/flows/erpnext-documents";
import { inventoryDelta, inventoryReconcile } from "#shared/flows/inventory/jobs";
import {
  type GuardSite,
  pendingOfSharedStock,
  pendingWixQuantities,
} from "#shared/flows/inventory/oversell-guard";
import { InventorySync } from "#shared/flows/inventory/sync";
import type { WixOrder } from "#shared/flows/wix-orders";
import { FakeErpnext, FakeLog, FakeQueue, FakeState, FakeWix } from "./fakes";

let erpnext: FakeErpnext;
let wix: FakeWix;
let state: FakeState;
let log: FakeLog;

const NOW = Date.parse("2025-03-02T12:00:00.000Z");

function bin(item: string, actual: number, reserved = 0) {
  erpnext.seed("Bin", {
    name: `${item}-Stores`,
    item_code: item,
    warehouse: "Stores - SL",
    actual_qty: actual,
    reserved_qty: reserved,
    modified: "2025-03-01 10:00:00",
  });
}

/** The item published as a simple product of its own. */
const mappingOf = (item: string) => ({
  itemCode: item,
  productId: `product-${item}`,
  variantId: `variant-${item}`,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
});

function mapped(item: string, wixQuantity?: number) {
  state.mappings.set(item, mappingOf(item));
  if (wixQuantity !== undefined)
    wix.inventory.push({
      id: `inv-${item}`,
      revision: "1",
      productId: `product-${item}`,
      variantId: `variant-${item}`,
      quantity: wixQuantity,
      trackQuantity: true,
      product: { variantSku: item },
    });
}

function sold(id: string, sku: string, quantity: number, over: Partial<WixOrder> = {}) {
  wix.orders.set(id, {
    id,
    number: id,
    createdDate: "2025-03-02T11:00:00.000Z",
    updatedDate: "2025-03-02T11:00:00.000Z",
    status: "APPROVED",
    currency: "EUR",
    priceSummary: { total: { amount: "1.00" } },
    lineItems: [{ id: `${id}-line`, quantity, price: { amount: "1.00" }, physicalProperties: { sku } }],
    ...over,
  });
}

function inventorySync() {
  return new InventorySync({
    erpnext,
    wix,
    state,
    log,
    warehouses: [],
    pendingOrders: () => pendingWixQuantities({ wix, state, submit: true }, NOW),
  });
}

beforeEach(() => {
  erpnext = new FakeErpnext();
  wix = new FakeWix();
  state = new FakeState();
  log = new FakeLog();
});

describe("oversell guard", () => {
  test("subtracts what Wix sold and ERPNext has not reserved yet, and nothing else", async () => {
    // prepare: 10 on hand
    bin("MUG", 10);
    mapped("MUG", 10);
    sold("unsynced", "MUG", 3); // its webhook has not arrived yet
    sold("reserved", "MUG", 4); // a submitted Sales Order reserves it in the Bin already
    await state.updateOrder("reserved", { state: "created", salesOrder: "SO-1" });
    sold("canceled", "MUG", 5, { status: "CANCELED" });
    await state.holdPending("older-parked", { MUG: 2 }); // parked, older than the search window
    // act
    const pending = await pendingWixQuantities({ wix, state, submit: true }, NOW);
    const result = await inventorySync().syncItems(["MUG"]);
    // assess
    expect(pending.get("MUG")).toBe(5);
    expect(result).toMatchObject({ pushed: 1, unchanged: 0 });
    expect(wix.inventory[0]?.quantity).toBe(5);
  });

  test("an order held once is counted once, from Wix or from its hold", async () => {
    // prepare
    sold("pending", "MUG", 3, { status: "PENDING" });
    await state.holdPending("pending", { MUG: 3 });
    // act
    const pending = await pendingWixQuantities({ wix, state, submit: true }, NOW);
    // assess
    expect(pending.get("MUG")).toBe(3);
  });
});

describe("stock push", () => {
  test("writes to Wix only when the sellable quantity changed", async () => {
    // prepare: 8 on hand, 2 reserved, Wix already shows 6
    bin("MUG", 8, 2);
    mapped("MUG", 6);
    const sync = inventorySync();
    // act
    const same = await sync.syncItems(["MUG"]);
    bin("MUG", 9, 2);
    const changed = await sync.syncItems(["MUG"]);
    // assess
    expect(same).toMatchObject({ pushed: 0, unchanged: 1, wixWrites: 0 });
    expect(changed).toMatchObject({ pushed: 1, unchanged: 0, wixWrites: 1 });
    expect(wix.writes).toEqual([{ kind: "update", items: [{ id: "inv-MUG", revision: "1", quantity: 7 }] }]);
    expect(state.mappings.get("MUG")).toMatchObject({ quantity: 7, inventoryItemId: "inv-MUG" });
    expect(log.entries).toHaveLength(1);
  });

  test("an item Wix holds no inventory for gets one; unmapped items are counted, not pushed", async () => {
    // prepare
    bin("MUG", 4);
    mapped("MUG");
    bin("LOOSE", 1);
    // act
    const result = await inventorySync().syncItems(["MUG", "LOOSE"]);
    // assess
    expect(result).toMatchObject({ created: 1, unmapped: 1, pushed: 0 });
    expect(wix.writes).toEqual([
      { kind: "create", items: [{ productId: "product-MUG", variantId: "variant-MUG", quantity: 4 }] },
    ]);
  });
});

describe("several sites on one ERPNext", () => {
  /** One Wix site: its own store, state and settings, over the shared ERPNext. */
  function site(warehouses: string[], locationId: string) {
    const own = { wix: new FakeWix(), state: new FakeState(), log: new FakeLog(), wixCalls: [] as string[] };
    const wixPort = {
      inventoryBySku: (skus: string[], loc?: string) => {
        own.wixCalls.push("inventoryBySku");
        return own.wix.inventoryBySku(skus, loc);
      },
      bulkUpdateInventory: (items: Parameters<FakeWix["bulkUpdateInventory"]>[0]) => {
        own.wixCalls.push("bulkUpdateInventory");
        return own.wix.bulkUpdateInventory(items);
      },
      bulkCreateInventory: (items: Parameters<FakeWix["bulkCreateInventory"]>[0]) => {
        own.wixCalls.push("bulkCreateInventory");
        return own.wix.bulkCreateInventory(items);
      },
      searchOrders: (since: string, cursor?: string) => {
        own.wixCalls.push("searchOrders");
        return own.wix.searchOrders(since, cursor);
      },
    };
    const guard: GuardSite = { site: locationId, wix: wixPort, state: own.state, submit: true, warehouses };
    guards.push(guard);
    const sync = new InventorySync({
      erpnext: recordingErpnext,
      wix: wixPort,
      state: own.state,
      log: own.log,
      warehouses,
      locationId,
      // Every site's part of the guard, as the worker's composition gives them (functions/workers/inventory.ts).
      pendingOrders: () => pendingOfSharedStock(guard, guards, NOW),
      // Both sites' warehouses, as the worker's composition gives them (functions/workers/inventory.ts).
      sharedBinWarehouses: async () => ["Backroom - SL", "Stores - SL"],
    });
    return { ...own, sync };
  }

  /** The ERPNext Bin requests, as the HTTP read memo keys them: two equal ones are read once. */
  let binRequests: string[];
  const recordingErpnext = {
    listAll: <T>(doctype: string, opts: { fields: string[]; filters?: DocFilter[] }) => {
      binRequests.push(JSON.stringify({ doctype, ...opts }));
      return erpnext.listAll<T>(doctype, opts);
    },
    find: <T>(doctype: string, name: string) => erpnext.find<T>(doctype, name),
  };

  const stock = (item: string, warehouse: string, actual: number) =>
    erpnext.seed("Bin", {
      name: `${item}-${warehouse}`,
      item_code: item,
      warehouse,
      actual_qty: actual,
      reserved_qty: 0,
      modified: "2025-03-01 10:00:00",
    });

  const mapOn = (s: ReturnType<typeof site>, item: string) => s.state.mappings.set(item, mappingOf(item));

  /** What a site wrote to its Wix inventory, in order. */
  const pushedTo = (s: ReturnType<typeof site>) => s.wix.writes.flatMap((w) => w.items);

  /** The US site sells from Stores at its location, the EU site from the Backroom at its own. */
  const twoSites = () => ({ us: site(["Stores - SL"], "loc-us"), eu: site(["Backroom - SL"], "loc-eu") });

  /** Every site made by `site`, in the order made. */
  let guards: GuardSite[];

  beforeEach(() => {
    binRequests = [];
    guards = [];
  });

  test("each site gets its own warehouses' quantity at its own location, from one identical Bin request", async () => {
    // prepare: MUG is on both sites; the US sells from Stores, the EU from the Backroom
    stock("MUG", "Stores - SL", 5);
    stock("MUG", "Backroom - SL", 3);
    stock("MUG", "Finished Goods - SL", 100);
    const { us, eu } = twoSites();
    mapOn(us, "MUG");
    mapOn(eu, "MUG");
    // act: the same stock change reaches both sites (a fan-out)
    await Promise.all([us.sync.syncItems(["MUG"]), eu.sync.syncItems(["MUG"])]);
    // assess
    expect(pushedTo(us)).toEqual([expect.objectContaining({ quantity: 5, locationId: "loc-us" })]);
    expect(pushedTo(eu)).toEqual([expect.objectContaining({ quantity: 3, locationId: "loc-eu" })]);
    expect(binRequests).toHaveLength(2);
    expect(binRequests[1]).toBe(binRequests[0]);
  });

  test("an item published on one site only is pushed there only: the other makes no Wix call", async () => {
    // prepare: TEE is mapped on the US site only; MUG on both
    stock("TEE", "Stores - SL", 4);
    stock("MUG", "Stores - SL", 2);
    const { us, eu } = twoSites();
    mapOn(us, "TEE");
    mapOn(us, "MUG");
    // act
    const [onUs, onEu] = await Promise.all([us.sync.syncItems(["TEE"]), eu.sync.syncItems(["TEE"])]);
    const euCallsFirst = [...eu.wixCalls];
    mapOn(eu, "MUG");
    await Promise.all([us.sync.syncItems(["TEE", "MUG"]), eu.sync.syncItems(["TEE", "MUG"])]);
    // assess
    expect(onUs).toMatchObject({ created: 1, unmapped: 0 });
    expect(onEu).toMatchObject({ created: 0, unmapped: 1, wixWrites: 0 });
    expect(euCallsFirst).toEqual([]);
    expect(pushedTo(eu)).toEqual([expect.objectContaining({ productId: "product-MUG", quantity: 0 })]);
    // the first change cost the EU site nothing at all; the second, one identical Bin request
    expect(binRequests).toHaveLength(3);
    expect(binRequests[2]).toBe(binRequests[1]);
  });

  test("the oversell guard counts each site's own Wix orders and holds only", async () => {
    // prepare: 10 on hand everywhere; the US site sold 3 (not in ERPNext yet) and holds 2 more
    stock("MUG", "Stores - SL", 10);
    stock("MUG", "Backroom - SL", 10);
    const { us, eu } = twoSites();
    mapOn(us, "MUG");
    mapOn(eu, "MUG");
    wix = us.wix;
    sold("us-order", "MUG", 3);
    await us.state.holdPending("us-parked", { MUG: 2 });
    // act
    await Promise.all([us.sync.syncItems(["MUG"]), eu.sync.syncItems(["MUG"])]);
    // assess
    expect(pushedTo(us)).toEqual([expect.objectContaining({ quantity: 5 })]);
    expect(pushedTo(eu)).toEqual([expect.objectContaining({ quantity: 10 })]);
  });

  test("sites selling from one warehouse each subtract what the other sold and ERPNext has not reserved yet", async () => {
    // prepare: both sites sell from Stores (10 on hand); the US site sold 3 (not in ERPNext yet)
    // and holds 2 of a parked order, the EU site sold 1
    stock("MUG", "Stores - SL", 10);
    const us = site(["Stores - SL"], "loc-us");
    const eu = site(["Stores - SL"], "loc-eu");
    mapOn(us, "MUG");
    mapOn(eu, "MUG");
    wix = us.wix;
    sold("us-order", "MUG", 3);
    await us.state.holdPending("us-parked", { MUG: 2 });
    wix = eu.wix;
    sold("eu-order", "MUG", 1);
    // act
    await Promise.all([us.sync.syncItems(["MUG"]), eu.sync.syncItems(["MUG"])]);
    // assess: 10 - 3 - 2 - 1 left on either site, never 10 - 1 offered in the EU
    expect(pushedTo(us)).toEqual([expect.objectContaining({ quantity: 4 })]);
    expect(pushedTo(eu)).toEqual([expect.objectContaining({ quantity: 4 })]);
  });

  test("another site's Wix outage does not stop a site's stock: that site's holds still count", async () => {
    // prepare: both sites sell from Stores; the US site holds 2 of a parked order; its Wix is down
    stock("MUG", "Stores - SL", 10);
    const us = site(["Stores - SL"], "loc-us");
    const eu = site(["Stores - SL"], "loc-eu");
    mapOn(eu, "MUG");
    await us.state.holdPending("us-parked", { MUG: 2 });
    const down = guards[0] as GuardSite;
    down.wix = { searchOrders: () => Promise.reject(new Error("Wix: 503 Service Unavailable")) };
    // act
    const result = await eu.sync.syncItems(["MUG"]);
    // assess
    expect(result).toMatchObject({ created: 1 });
    expect(pushedTo(eu)).toEqual([expect.objectContaining({ quantity: 8 })]);
  });
});

describe("stock jobs with several sites", () => {
  test("the delta reads ERPNext once for every site, from one watermark, and beats every site's heartbeat", async () => {
    // prepare: the US site has seen changes up to 10:05; the EU site was added since
    const shared = new FakeState();
    const us = new FakeState();
    const eu = new FakeState();
    shared.watermarks.set("inventory-delta", "2025-03-01 10:05:00");
    erpnext.seed("Bin", { name: "B1", item_code: "OLD", modified: "2025-03-01 10:01:00" });
    erpnext.seed("Bin", { name: "B2", item_code: "MUG", modified: "2025-03-01 10:07:00" });
    const queue = new FakeQueue();
    // act
    const result = await inventoryDelta({
      erpnext,
      state: shared,
      queue,
      sites: [{ state: us }, { state: eu }],
    });
    // assess: one message for every site (it names none); each site's health sees the run
    expect(result).toEqual({ enqueued: 1 });
    expect(queue.to("inventory")).toEqual([expect.objectContaining({ itemCodes: ["MUG"], source: "delta" })]);
    expect(erpnext.calls.filter((c) => c === "list Bin")).toHaveLength(1);
    expect([us.successes, eu.successes]).toEqual([["inventory"], ["inventory"]]);
  });

  test("a site added later gets every item it has from its own first reconcile", async () => {
    // prepare: the new site published two items (never seen by the delta)
    const eu = new FakeState();
    for (const item of ["MUG", "TEE"]) eu.mappings.set(item, mappingOf(item));
    const queue = new FakeQueue();
    // act
    await inventoryReconcile({ state: eu, queue });
    // assess
    expect(queue.to("inventory")).toEqual([
      { kind: "stock", itemCodes: ["MUG", "TEE"], source: "reconcile" },
    ]);
  });
});

describe("stock changed in Wix (Catalog V1 events)", () => {
  test("the product's items are re-checked; our own write's echo (every quantity as we pushed it) is skipped", async () => {
    // prepare: two products; we last pushed 5 to A's variant and 3 to B's
    mapped("A");
    mapped("B");
    await state.updateMappingQuantity("A", 5, "inv-A");
    await state.updateMappingQuantity("B", 3, "inv-B");
    const sync = inventorySync();
    // act / assess: A reports what we pushed (an echo); B reports a quantity set in the dashboard
    const codes = await sync.itemsForProducts(
      ["product-A", "product-B"],
      [
        { productId: "product-A", variantId: "variant-A", quantity: 5 },
        { productId: "product-B", variantId: "variant-B", quantity: 40 },
      ],
    );
    expect(codes).toEqual(["B"]);
    // No quantities reported (InventoryItemChanged), or one without a quantity: always re-checked.
    expect(await sync.itemsForProducts(["product-A"])).toEqual(["A"]);
    expect(
      await sync.itemsForProducts(["product-A"], [{ productId: "product-A", variantId: "variant-A" }]),
    ).toEqual(["A"]);
  });
});

describe("the quantity recorded for the V1 echo skip", () => {
  test("a re-check that finds Wix already holding the target records it, so a later dashboard change is not taken for an echo", async () => {
    // prepare: we pushed 5; a Wix sale took Wix to 4, and ERPNext now has 4 too
    mapped("A", 4);
    await state.updateMappingQuantity("A", 5, "inv-A");
    bin("A", 4);
    const sync = inventorySync();
    // act: the re-check agrees with Wix and writes nothing...
    const recheck = await sync.syncItems(["A"]);
    // ...then the merchant sets 5 in the dashboard and Wix reports it
    const codes = await sync.itemsForProducts(
      ["product-A"],
      [{ productId: "product-A", variantId: "variant-A", quantity: 5 }],
    );
    // assess: no write on the re-check, Wix's 4 recorded, and the 5 re-checked (not skipped as an echo)
    expect(recheck).toMatchObject({ unchanged: 1, pushed: 0, wixWrites: 0 });
    expect(state.mappings.get("A")?.quantity).toBe(4);
    expect(codes).toEqual(["A"]);
  });
});
