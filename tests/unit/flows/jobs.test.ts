/**
 * The scheduled jobs over in-memory fakes of their ports: what each enqueues, where it leaves its
 * watermark, and that it reports its run.
 */
import { beforeEach, describe, expect, test } from "@jest/globals";
import { inventoryDelta, inventoryReconcile } from "#shared/flows/inventory/jobs";
import { modifiedSince } from "#shared/flows/modified-since";
import { orderPoll } from "#shared/flows/orders/poll";
import { productCatchup } from "#shared/flows/products/catchup";
import { shipmentCatchup } from "#shared/flows/shipments/catchup";
import type { WixOrder } from "#shared/flows/wix-orders";
import { FakeErpnext, FakeQueue, FakeState, FakeWix } from "./fakes";

/** The API user the integration writes as. */
const API_USER = "integration@example.com";

class CatchupErpnext extends FakeErpnext {
  async whoAmI() {
    return API_USER;
  }
}

let erpnext: CatchupErpnext;
let wix: FakeWix;
let state: FakeState;
let queue: FakeQueue;

beforeEach(() => {
  erpnext = new CatchupErpnext();
  wix = new FakeWix();
  state = new FakeState();
  queue = new FakeQueue();
});

const at = (minute: number) => `2025-03-01 10:${String(minute).padStart(2, "0")}:00.000000`;

describe("modifiedSince", () => {
  test("resumes after the last page handled when a run dies half-way", async () => {
    for (let i = 1; i <= 5; i++) erpnext.seed("Bin", { name: `B${i}`, item_code: `I${i}`, modified: at(i) });
    const pages: string[][] = [];
    await expect(async () => {
      for await (const rows of modifiedSince<{ item_code: string; modified: string }>(
        { erpnext, state },
        "Bin",
        "mark",
        ["item_code"],
        2,
      )) {
        if (pages.length === 1) throw new Error("queue down");
        pages.push(rows.map((r) => r.item_code));
      }
    }).rejects.toThrow("queue down");
    expect(pages).toEqual([["I1", "I2"]]);
    expect(state.watermarks.get("mark")).toBe(at(2));
  });
});

describe("inventoryDelta", () => {
  test("enqueues the items of Bins changed since the watermark and moves it", async () => {
    erpnext.seed("Bin", { name: "B1", item_code: "OLD", modified: at(1) });
    erpnext.seed("Bin", { name: "B2", item_code: "CUP", modified: at(5) });
    erpnext.seed("Bin", { name: "B3", item_code: "CUP", modified: at(6) });
    erpnext.seed("Bin", { name: "B4", item_code: "MUG", modified: at(7) });
    state.watermarks.set("inventory-delta", at(5));

    expect(await inventoryDelta({ erpnext, state, queue })).toEqual({ enqueued: 2 });
    expect(queue.to("inventory")).toEqual([
      { kind: "stock", itemCodes: ["CUP", "MUG"], source: "delta", changedAt: "2025-03-01T10:07:00.000Z" },
    ]);
    expect(state.watermarks.get("inventory-delta")).toBe(at(7));
    expect(state.successes).toEqual(["inventory"]);
  });
});

describe("inventoryReconcile", () => {
  test("sends every published item, a page of 1000 mappings at a time, hidden ones left out", async () => {
    for (let i = 0; i < 1002; i++)
      state.mappings.set(`I${i}`, {
        itemCode: `I${i}`,
        productId: `p${i}`,
        hidden: i === 0,
        createdAt: "",
        updatedAt: "",
      });

    expect(await inventoryReconcile({ state, queue })).toEqual({ enqueued: 1001 });
    const sent = queue.to("inventory") as { itemCodes: string[]; source: string }[];
    expect(sent.map((m) => m.itemCodes.length)).toEqual([999, 2]);
    expect(sent.every((m) => m.source === "reconcile")).toBe(true);
    expect(sent.flatMap((m) => m.itemCodes)).not.toContain("I0");
  });
});

describe("productCatchup", () => {
  beforeEach(() => {
    erpnext.seed("Item", { name: "CUP", modified: at(1), modified_by: "clerk@example.com" });
    erpnext.seed("Item", { name: "MUG", modified: at(2), modified_by: API_USER });
    erpnext.seed("Item Price", { name: "PRICE-CUP", item_code: "CUP", modified: at(3) });
    erpnext.seed("Item Price", { name: "PRICE-JUG", item_code: "JUG", modified: at(4) });
  });

  test("enqueues each changed item once, whether its Item or its price changed", async () => {
    const result = await productCatchup({ erpnext, state, queue });
    expect(result).toEqual({ enqueued: 3, byDoctype: { Item: 2, "Item Price": 1 } });
    expect(queue.to("products")).toEqual([
      { kind: "items", itemCodes: ["CUP", "MUG"], source: "catchup", changedAt: "2025-03-01T10:02:00.000Z" },
      { kind: "items", itemCodes: ["JUG"], source: "catchup", changedAt: "2025-03-01T10:04:00.000Z" },
    ]);
    expect(state.watermarks.get("product-catchup:Item")).toBe(at(2));
    expect(state.watermarks.get("product-catchup:Item Price")).toBe(at(4));
    expect(state.successes).toEqual(["products"]);
  });

  test("with status written to ERPNext, leaves out the Items whose last change is its own", async () => {
    await productCatchup({ erpnext, state, queue, settings: { status: { writeToErpnext: true } } });
    expect((queue.to("products") as { itemCodes: string[] }[]).flatMap((m) => m.itemCodes)).toEqual([
      "CUP",
      "JUG",
    ]);
  });
});

describe("shipmentCatchup from ERPNext", () => {
  test("enqueues submitted and cancelled Delivery Notes, not drafts", async () => {
    erpnext.seed("Delivery Note", { name: "DN-1", docstatus: 0, modified: at(1) });
    erpnext.seed("Delivery Note", { name: "DN-2", docstatus: 1, modified: at(2) });
    erpnext.seed("Delivery Note", { name: "DN-3", docstatus: 2, modified: at(3) });
    const deps = {
      erpnext,
      wix: Object.assign(wix, { orderFulfillments: async () => new Map() }),
      state: Object.assign(state, { shipments: { links: async () => [] } }),
      queue,
      settings: { shipments: { source: "erpnext" as const } },
    };

    expect(await shipmentCatchup(deps)).toEqual({ enqueued: 2 });
    expect(queue.to("shipments")).toEqual([
      { kind: "delivery-note", name: "DN-2", source: "catchup", changedAt: "2025-03-01T10:02:00.000Z" },
      { kind: "delivery-note", name: "DN-3", source: "catchup", changedAt: "2025-03-01T10:03:00.000Z" },
    ]);
    expect(state.watermarks.get("shipment-catchup")).toBe(at(3));
    expect(state.successes).toEqual(["shipments"]);
  });
});

describe("orderPoll", () => {
  const order = (id: string, over: Partial<WixOrder> = {}): WixOrder =>
    ({ id, number: id, updatedDate: new Date().toISOString(), lineItems: [], ...over }) as WixOrder;

  test("enqueues changed orders, refunded ones for the refunds flow too, and moves the watermark", async () => {
    const parked = order("PARKED");
    for (const o of [order("NEW"), order("REFUNDED", { paymentStatus: "FULLY_REFUNDED" }), parked])
      wix.orders.set(o.id, o);
    state.orders.set("PARKED", {
      orderId: "PARKED",
      orderNumber: "PARKED",
      state: "parked",
      parkedFor: parked.updatedDate,
      claimedAt: "",
      updatedAt: "",
    });
    const before = new Date().toISOString();

    const result = await orderPoll({ wix, state, queue });
    expect(result.enqueued).toBe(2);
    expect(result.refundsEnqueued).toBe(1);
    expect((queue.to("orders") as { orderId: string }[]).map((m) => m.orderId).sort()).toEqual([
      "NEW",
      "REFUNDED",
    ]);
    expect(queue.to("refunds")).toEqual([
      expect.objectContaining({ kind: "order-refunds", orderId: "REFUNDED", source: "poll" }),
    ]);
    expect((state.watermarks.get("order-poll") ?? "") >= before).toBe(true);
    expect(state.successes).toEqual(["orders"]);
  });
});

describe("shipmentCatchup for several Wix sites, run once for all", () => {
  test("reads the Delivery Notes once, naming no site; each site shipping from Wix reads its own Wix; every site's heartbeat", async () => {
    // prepare: "us" ships from ERPNext, "eu" from Wix (an order fulfilled there, not mirrored yet)
    erpnext.seed("Delivery Note", { name: "DN-1", docstatus: 1, modified: at(1) });
    const site = (source: "erpnext" | "wix", siteWix: FakeWix) => ({
      wix: siteWix,
      state: Object.assign(new FakeState(), { shipments: { links: async () => [] } }),
      queue: new FakeQueue(),
      settings: { shipments: { source } },
    });
    const now = new Date().toISOString();
    const euWix = new FakeWix();
    euWix.orders.set("o-eu", {
      id: "o-eu",
      number: "10001",
      status: "APPROVED",
      fulfillmentStatus: "FULFILLED",
      createdDate: now,
      updatedDate: now,
      priceSummary: { total: { amount: "10.00" } },
      lineItems: [],
    } as unknown as WixOrder);
    euWix.fulfillments.set("o-eu", [{ id: "F-1" }]);
    const us = site("erpnext", new FakeWix());
    const eu = site("wix", euWix);
    const once = {
      erpnext,
      wix,
      state: Object.assign(state, { shipments: { links: async () => [] } }),
      queue,
    };
    // act
    const result = await shipmentCatchup({ ...once, settings: us.settings, sites: [us, eu] });
    // assess
    expect(result).toEqual({ enqueued: 2 });
    expect(erpnext.calls.filter((c) => c === "list Delivery Note")).toHaveLength(1);
    expect(queue.to("shipments")).toEqual([
      { kind: "delivery-note", name: "DN-1", source: "catchup", changedAt: "2025-03-01T10:01:00.000Z" },
    ]);
    expect(state.watermarks.get("shipment-catchup")).toBe(at(1));
    expect(eu.queue.to("shipments")).toMatchObject([{ kind: "fulfillments", orderId: "o-eu" }]);
    expect(us.queue.sent).toEqual([]);
    expect([us.state.successes, eu.state.successes]).toEqual([["shipments"], ["shipments"]]);
  });
});
