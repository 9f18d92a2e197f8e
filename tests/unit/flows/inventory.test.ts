import { beforeEach, describe, expect, test } from "@jest/globals";
import { pendingWixQuantities } from "#shared/flows/inventory/oversell-guard";
import { InventorySync } from "#shared/flows/inventory/sync";
import type { WixOrder } from "#shared/flows/wix-orders";
import { FakeErpnext, FakeLog, FakeState, FakeWix } from "./fakes";

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

function mapped(item: string, wixQuantity?: number) {
  state.mappings.set(item, {
    itemCode: item,
    productId: `product-${item}`,
    variantId: `variant-${item}`,
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
  });
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
