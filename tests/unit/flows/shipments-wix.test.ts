import { describe, expect, test } from "@jest/globals";
import { RetryableError } from "#shared/errors";
import type { OrderRecord } from "#shared/flows/records";
import { shipmentCatchup } from "#shared/flows/shipments/catchup";
import { trackingKey } from "#shared/flows/shipments/mapping";
import type { ShipmentsMessage } from "#shared/flows/shipments/messages";
import type {
  FulfillmentLink,
  ShipmentDeps,
  ShipmentRecord,
  ShipmentsRepository,
} from "#shared/flows/shipments/ports";
import { FulfillmentPull, fulfillmentsInStep } from "#shared/flows/shipments/pull";
import type { WixFulfillment } from "#shared/flows/wix-fulfillments";
import type { WixOrder } from "#shared/flows/wix-orders";
import { FakeErpnext, FakeLog, FakeState, FakeWix } from "./fakes";

/** FULFILMENT_SOURCE=wix: Wix fulfillments -> Delivery Notes, the catch-up, and billing told. */

/** The shipments repository with the store's conditional claims (a live claim or a link refuses). */
class FakeShipments
  implements Pick<ShipmentsRepository, "links" | "claimLink" | "putLink" | "releaseLink" | "get" | "put">
{
  readonly linkMap = new Map<string, FulfillmentLink>();
  readonly records = new Map<string, ShipmentRecord>();
  async links(orderId: string) {
    return [...this.linkMap.values()].filter((l) => l.orderId === orderId).map((l) => ({ ...l }));
  }
  async claimLink(orderId: string, fulfillmentId: string, leaseSeconds: number) {
    const l = this.linkMap.get(fulfillmentId);
    if (l && !(l.state === "claimed" && (l.leaseUntil ?? 0) < Date.now())) return false;
    const leaseUntil = Date.now() + leaseSeconds * 1000;
    this.linkMap.set(fulfillmentId, { orderId, fulfillmentId, state: "claimed", leaseUntil, updatedAt: "" });
    return true;
  }
  async putLink(l: Omit<FulfillmentLink, "updatedAt">) {
    this.linkMap.set(l.fulfillmentId, { ...l, leaseUntil: 0, updatedAt: "" });
  }
  async releaseLink(_orderId: string, fulfillmentId: string) {
    const l = this.linkMap.get(fulfillmentId);
    if (l?.state === "claimed") l.leaseUntil = 0;
  }
  async get(dn: string) {
    return this.records.get(dn);
  }
  async put(r: Omit<ShipmentRecord, "updatedAt">) {
    this.records.set(r.deliveryNote, { ...r, updatedAt: "" });
  }
}

class ShipmentState extends FakeState {
  readonly shipments = new FakeShipments();
}

/** ERPNext with the Sales Order -> Delivery Note mapper (its rows left to deliver). */
class ShipmentErpnext extends FakeErpnext {
  override async mapDocument<T>(_method: string, salesOrder: string): Promise<T> {
    const so = await this.get<{
      customer: string;
      items: { name: string; item_code: string; qty: number }[];
    }>("Sales Order", salesOrder);
    return {
      customer: so.customer,
      items: so.items.map((r) => ({
        item_code: r.item_code,
        qty: r.qty,
        so_detail: r.name,
        against_sales_order: salesOrder,
      })),
    } as T;
  }
}

const wixOrder = (id: string, over: Partial<WixOrder> = {}): WixOrder => ({
  id,
  number: `N-${id}`,
  createdDate: "2026-12-01T00:00:00.000Z",
  updatedDate: "2026-12-07T10:00:00.000Z",
  status: "APPROVED",
  currency: "USD",
  priceSummary: { total: { amount: "20.00" } },
  lineItems: [{ id: "L1", quantity: 2, price: { amount: "10.00" }, physicalProperties: { sku: "A" } }],
  ...over,
});

function world() {
  const erpnext = new ShipmentErpnext();
  const wix = new FakeWix();
  const state = new ShipmentState();
  const delivered: string[] = [];
  const order = wixOrder("o-1", { fulfillmentStatus: "FULFILLED" });
  wix.orders.set(order.id, order);
  erpnext.seed("Sales Order", {
    name: "SO-1",
    docstatus: 1,
    customer: "C-1",
    items: [{ name: "r1", item_code: "A", qty: 2, idx: 1 }],
  });
  state.orders.set(order.id, { orderId: order.id, salesOrder: "SO-1", state: "created" } as OrderRecord);
  wix.fulfillments.set(order.id, [{ id: "F-1", lineItems: [{ id: "L1", quantity: 2 }] }]);
  // The pull reads and writes only these (FulfillmentPull); the push side of the ports is not faked.
  const pullWith = (onDelivered: ShipmentDeps["onDelivered"]) =>
    new FulfillmentPull({
      erpnext,
      wix,
      state,
      log: new FakeLog(),
      settings: { source: "wix" },
      onDelivered,
    } as unknown as ShipmentDeps);
  const pull = pullWith(async (orderId) => void delivered.push(orderId));
  const notes = () => erpnext.all("Delivery Note").filter((d) => d.docstatus === 1);
  return { erpnext, wix, state, pull, pullWith, delivered, order, notes };
}

describe("FulfillmentPull", () => {
  test("a webhook and the catch-up at once make one Delivery Note, and billing hears of it once", async () => {
    const w = world();
    const [a, b] = await Promise.allSettled([w.pull.pull("o-1"), w.pull.pull("o-1")]);
    // One makes the note; the other met its claim and is retried.
    expect([a.status, b.status].sort()).toEqual(["fulfilled", "rejected"]);
    const lost = [a, b].find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(RetryableError);
    expect(await w.pull.pull("o-1")).toMatchObject([{ outcome: "skipped", reason: "unchanged" }]);
    expect(w.notes()).toHaveLength(1);
    expect(w.notes()[0]).toMatchObject({ wix_fulfillment_id: "F-1" });
    expect(w.delivered).toEqual(["o-1"]);
  });

  test("a failed billing send is retried with the message: the note is found again, not made twice", async () => {
    const w = world();
    let fail = true;
    const pull = w.pullWith(async (orderId) => {
      if (fail) throw new RetryableError("SQS unavailable");
      w.delivered.push(orderId);
    });
    await expect(pull.pull("o-1")).rejects.toBeInstanceOf(RetryableError);
    fail = false;
    expect(await pull.pull("o-1")).toMatchObject([{ outcome: "linked", fulfillmentId: "F-1" }]);
    expect(w.notes()).toHaveLength(1);
    expect(w.delivered).toEqual(["o-1"]);
  });
});

describe("fulfillmentsInStep", () => {
  const link = (over: Partial<FulfillmentLink> = {}): FulfillmentLink => ({
    orderId: "o",
    fulfillmentId: "F-1",
    deliveryNote: "DN-1",
    state: "linked",
    tracking: trackingKey({ trackingNumber: "T1" }),
    updatedAt: "",
    ...over,
  });
  test("only a fulfillment linked with the same tracking, or cancelled for good, is in step", () => {
    const f = { id: "F-1", trackingInfo: { trackingNumber: "T1" } };
    const tracked = [link({ tracking: undefined })];
    expect(fulfillmentsInStep([], [])).toBe(true);
    expect(fulfillmentsInStep([f], [])).toBe(false); // new
    expect(fulfillmentsInStep([f], [link({ state: "claimed" })])).toBe(false); // a make left half-way
    expect(fulfillmentsInStep([], [link()])).toBe(false); // deleted in Wix
    expect(fulfillmentsInStep([], [link({ state: "cancelled" })])).toBe(true);
    expect(fulfillmentsInStep([f], [link({ state: "cancelled" })])).toBe(true);
    expect(fulfillmentsInStep([{ id: "F-1" }], tracked)).toBe(false); // tracking removed
  });
});

describe("shipmentCatchup, FULFILMENT_SOURCE=wix", () => {
  test("orders whose fulfillments ours do not mirror are enqueued, asking Wix only about fulfilled or mapped ones", async () => {
    const w = world();
    const add = (o: WixOrder, record: Partial<OrderRecord> = {}, list: WixFulfillment[] = []) => {
      w.wix.orders.set(o.id, o);
      w.state.orders.set(o.id, {
        orderId: o.id,
        state: "created",
        salesOrder: `SO-${o.id}`,
        ...record,
      } as OrderRecord);
      w.wix.fulfillments.set(o.id, list);
    };
    // o-1 (world): fulfilled in Wix, no note yet.
    add(wixOrder("o-2", { fulfillmentStatus: "FULFILLED" }), {}, [{ id: "F-2" }]);
    await w.state.shipments.putLink({
      orderId: "o-2",
      fulfillmentId: "F-2",
      state: "linked",
      deliveryNote: "DN-2",
      tracking: trackingKey(undefined),
    });
    add(wixOrder("o-3")); // its only fulfillment deleted in Wix: our link remains
    await w.state.shipments.putLink({
      orderId: "o-3",
      fulfillmentId: "F-3",
      state: "linked",
      deliveryNote: "DN-3",
    });
    add(wixOrder("o-4")); // never fulfilled
    add(wixOrder("o-5", { fulfillmentStatus: "FULFILLED" }), { canceled: true }, [{ id: "F-5" }]);
    add(wixOrder("o-6", { status: "PENDING", fulfillmentStatus: "FULFILLED" }), {}, [{ id: "F-6" }]);
    const sent: ShipmentsMessage[] = [];
    const run = () =>
      shipmentCatchup({
        erpnext: { list: async () => [] },
        wix: w.wix,
        state: w.state,
        queue: { send: async (_q, messages) => void sent.push(...(messages as ShipmentsMessage[])) },
        settings: { shipments: { source: "wix" } },
      });
    expect(await run()).toEqual({ enqueued: 2 });
    expect(sent.map((m) => m.kind === "fulfillments" && m.orderId).sort()).toEqual(["o-1", "o-3"]);
    expect(sent.every((m) => m.source === "catchup")).toBe(true);
    expect(w.wix.listed.flat().sort()).toEqual(["o-1", "o-2", "o-3"]);
    expect(w.state.successes).toEqual(["shipments"]);
    expect(w.state.watermarks.get("shipment-catchup-wix")).toBeDefined();
  });
});
