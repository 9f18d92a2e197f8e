import { describe, expect, test } from "@jest/globals";
import { PermanentError, RetryableError } from "#shared/errors";
import type { OrderRecord, SyncLogEntry } from "#shared/flows/records";
import { allocate, knownProvider, trackingInfoOf } from "#shared/flows/shipments/mapping";
import type {
  FulfillmentLink,
  ShipmentDeps,
  ShipmentRecord,
  ShipmentsRepository,
} from "#shared/flows/shipments/ports";
import { quantitiesOf } from "#shared/flows/shipments/pull";
import { ShipmentPush } from "#shared/flows/shipments/push";
import type { WixOrder } from "#shared/flows/wix-orders";
import { type Doc, FakeErpnext, FakeState, FakeWix } from "./fakes";

/** In-memory fakes of the shipments ports (their documented behaviour, nothing more). */
class FakeShipments implements ShipmentsRepository {
  /** Records keyed by note, and by note and Sales Order for a note's second and later orders. */
  readonly records = new Map<string, ShipmentRecord>();
  readonly linkMap = new Map<string, FulfillmentLink>();
  readonly salesOrders = new Map<string, string>();
  private key = (dn: string, part?: string) => (part ? `${dn}#${part}` : dn);
  async get(dn: string, part?: string) {
    return this.records.get(this.key(dn, part));
  }
  async claim(dn: string, orderId: string, lease: number, part?: string) {
    const r = this.records.get(this.key(dn, part));
    if (r && !(r.state === "claimed" && (r.leaseUntil ?? 0) < Date.now())) return false;
    this.records.set(this.key(dn, part), {
      deliveryNote: dn,
      orderId,
      state: "claimed",
      leaseUntil: Date.now() + lease * 1000,
      updatedAt: "",
      ...(part ? { part } : {}),
    });
    return true;
  }
  async put(r: Omit<ShipmentRecord, "updatedAt">) {
    this.records.set(this.key(r.deliveryNote, r.part), { ...r, leaseUntil: 0, updatedAt: "" });
  }
  async putIfAbsent(r: Omit<ShipmentRecord, "updatedAt">) {
    if (this.records.has(this.key(r.deliveryNote, r.part))) return false;
    await this.put(r);
    return true;
  }
  async release(dn: string, part?: string) {
    const r = this.records.get(this.key(dn, part));
    if (r?.state === "claimed") r.leaseUntil = 0;
  }
  async links(orderId: string) {
    return [...this.linkMap.values()].filter((l) => l.orderId === orderId);
  }
  async claimLink() {
    return true;
  }
  async putLink(l: Omit<FulfillmentLink, "updatedAt">) {
    this.linkMap.set(l.fulfillmentId, { ...l, updatedAt: "" });
  }
  async releaseLink() {}
  async orderOfSalesOrder(so: string) {
    return this.salesOrders.get(so);
  }
  async putSalesOrder(so: string, orderId: string) {
    this.salesOrders.set(so, orderId);
  }
}

/** Wix with the test's two orders. */
class OrdersWix extends FakeWix {
  constructor(orders: WixOrder[]) {
    super();
    for (const o of orders) this.orders.set(o.id, o);
  }
}

const order: WixOrder = {
  id: "order-1",
  number: "10001",
  createdDate: "",
  updatedDate: "",
  status: "APPROVED",
  currency: "USD",
  priceSummary: { total: { amount: "30.00" } },
  lineItems: [
    { id: "L1", quantity: 2, price: { amount: "10.00" }, physicalProperties: { sku: "A" } },
    { id: "L2", quantity: 1, price: { amount: "10.00" }, physicalProperties: { sku: "B" } },
  ],
};

/** A second order of the same buyer, Sales Order SO-2: 2 x A. */
const second: WixOrder = {
  ...order,
  id: "order-2",
  number: "10002",
  lineItems: [{ id: "M1", quantity: 2, price: { amount: "10.00" }, physicalProperties: { sku: "A" } }],
};

function setup(dn: Record<string, unknown>, source: "erpnext" | "wix" = "erpnext") {
  const erpnext = new FakeErpnext();
  erpnext.seed("Delivery Note", dn as Doc);
  erpnext.seed("Sales Order", {
    name: "SO-1",
    docstatus: 1,
    items: [
      { name: "r1", item_code: "A", qty: 2, idx: 1 },
      { name: "r2", item_code: "B", qty: 1, idx: 2 },
    ],
  });
  erpnext.seed("Sales Order", {
    name: "SO-2",
    docstatus: 1,
    items: [{ name: "s1", item_code: "A", qty: 2, idx: 1 }],
  });
  const shipments = new FakeShipments();
  shipments.salesOrders.set("SO-1", order.id);
  shipments.salesOrders.set("SO-2", second.id);
  const wix = new OrdersWix([order, second]);
  const site = pushOf(erpnext, wix, shipments, { site: "default", source }, (id) =>
    id === order.id ? "SO-1" : "SO-2",
  );
  return { ...site, wix, shipments, erpnext };
}

/** One site's ShipmentPush over these fakes; `salesOrderOf` answers the orders flow's records. */
function pushOf(
  erpnext: FakeErpnext,
  wix: ShipmentDeps["wix"],
  shipments: FakeShipments,
  settings: ShipmentDeps["settings"],
  salesOrderOf: (orderId: string) => string | undefined,
) {
  const leases = new FakeState();
  const log: SyncLogEntry[] = [];
  const delivered: string[] = [];
  const deps: ShipmentDeps = {
    erpnext,
    wix,
    state: {
      shipments,
      claim: (key, seconds) => leases.claim(key, seconds),
      release: (key) => leases.release(key),
      getOrder: async (id) => {
        const salesOrder = salesOrderOf(id);
        return salesOrder ? ({ orderId: id, salesOrder } as OrderRecord) : undefined;
      },
      updateOrder: async () => undefined,
      itemForProduct: async () => undefined,
    },
    log: { write: async (e) => void log.push(e) },
    settings,
    onDelivered: async (orderId) => void delivered.push(orderId),
  };
  return { push: new ShipmentPush(deps), log, delivered };
}

const note = (over: Record<string, unknown> = {}) => ({
  name: "DN-1",
  docstatus: 1,
  items: [{ item_code: "A", qty: 1, so_detail: "r1", against_sales_order: "SO-1" }],
  ...over,
});

describe("shipments mapping", () => {
  test("carriers map to Wix's five providers, whatever the case and spacing", () => {
    expect(["FedEx", "UPS", "usps", "DHL Express", "Canada Post"].map(knownProvider)).toEqual([
      "fedex",
      "ups",
      "usps",
      "dhl",
      "canadaPost",
    ]);
    expect(knownProvider("Local Couriers")).toBeUndefined();
  });

  test("a custom carrier goes with its link, or without its name (Wix refuses it without a link)", () => {
    expect(
      trackingInfoOf({ number: "X1", carrier: "Local", link: "https://t.example/X1" }).trackingInfo,
    ).toEqual({
      trackingNumber: "X1",
      shippingProvider: "Local",
      trackingLink: "https://t.example/X1",
    });
    const bare = trackingInfoOf({ number: "X1", carrier: "Local" });
    expect(bare.trackingInfo).toEqual({ trackingNumber: "X1" });
    expect(bare.note).toContain("wix_tracking_link");
    expect(trackingInfoOf({})).toEqual({});
  });

  test("quantities spread over the lines of the item, what is left first, the hinted line first", () => {
    const lines = [
      { id: "L1", itemCode: "A", quantity: 2, index: 0 },
      { id: "L2", itemCode: "A", quantity: 3, index: 1 },
    ];
    expect(allocate([{ itemCode: "A", qty: 4, hint: 1 }], lines, new Map([["L1", 1]])).lineItems).toEqual([
      { id: "L1", quantity: 1 },
      { id: "L2", quantity: 3 },
    ]);
    expect(allocate([{ itemCode: "A", qty: 6 }], lines, new Map()).unplaced).toEqual([
      { itemCode: "A", qty: 1 },
    ]);
  });

  test("a fulfillment above what the Sales Order has left to deliver is refused with the reason", () => {
    const rows = [{ item_code: "A", qty: 1, so_detail: "r1" }];
    expect(() =>
      quantitiesOf(
        { id: "F", lineItems: [{ id: "L1", quantity: 2 }] },
        [{ id: "L1", itemCode: "A", index: 0 }],
        rows,
        "W",
        "10001",
      ),
    ).toThrow(PermanentError);
  });
});

describe("ShipmentPush", () => {
  test("a submitted note makes one fulfillment with its tracking; again, nothing more", async () => {
    const s = setup(note({ wix_tracking_number: "T1", wix_carrier: "UPS" }));
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "created", fulfillmentId: "F-1" }]);
    expect(s.wix.of(order.id)).toEqual([
      {
        id: "F-1",
        lineItems: [{ id: "L1", quantity: 1 }],
        trackingInfo: { trackingNumber: "T1", shippingProvider: "ups" },
      },
    ]);
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "skipped", reason: "unchanged" }]);
    expect(s.wix.of(order.id)).toHaveLength(1);
    expect(s.log.map((e) => [e.key, e.outcome])).toEqual([["DN-1", "created"]]);
  });

  test("while another delivery holds the note, the message is retried, not doubled", async () => {
    const s = setup(note());
    await s.shipments.claim("DN-1", order.id, 60);
    await expect(s.push.push("DN-1")).rejects.toBeInstanceOf(RetryableError);
    expect(s.wix.of(order.id)).toEqual([]);
  });

  test("a second note of an order pushed while the first is being made gets its own fulfillment", async () => {
    // Under load the second took the first's new fulfillment for its own lost create (it adopts
    // a fulfillment with the same lines that no note has linked yet).
    const s = setup(note());
    s.erpnext.seed("Delivery Note", note({ name: "DN-2" }));
    let second: Promise<unknown> | undefined;
    s.wix.afterNextCreate = async () => {
      second = s.push.push("DN-2");
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const first = await s.push.push("DN-1");
    expect([first, await second].flat().map((r) => (r as { outcome: string }).outcome)).toEqual([
      "created",
      "created",
    ]);
    expect(s.wix.of(order.id).map((f) => f.id)).toEqual(["F-1", "F-2"]);
  });

  test("a create whose answer was lost is adopted by its tracking number, not made twice", async () => {
    const s = setup(note({ wix_tracking_number: "T9", wix_carrier: "dhl" }));
    s.wix.failNextCreate = new RetryableError("504 after the commit");
    await expect(s.push.push("DN-1")).rejects.toBeInstanceOf(RetryableError);
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "linked", fulfillmentId: "F-1" }]);
    expect(s.wix.of(order.id)).toHaveLength(1);
  });

  test("a cancelled note deletes its fulfillment once; cancelled before any push, none is made", async () => {
    const s = setup(note());
    await s.push.push("DN-1");
    s.erpnext.seed("Delivery Note", note({ docstatus: 2 }));
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "updated" }]);
    expect(s.wix.of(order.id)).toEqual([]);
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "skipped" }]);

    const t = setup(note({ docstatus: 2 }));
    expect(await t.push.push("DN-1")).toMatchObject([
      { outcome: "skipped", reason: "cancelled before it reached Wix" },
    ]);
    t.erpnext.seed("Delivery Note", note({ docstatus: 1 }));
    await t.push.push("DN-1");
    expect(t.wix.of(order.id)).toEqual([]);
  });

  test("a note joining two Sales Orders fulfils each Wix order with its own rows, once; the cancel deletes both", async () => {
    const joined = note({
      wix_tracking_number: "J1",
      items: [
        { item_code: "A", qty: 1, so_detail: "r1", against_sales_order: "SO-1" },
        { item_code: "B", qty: 1, so_detail: "r2", against_sales_order: "SO-1" },
        { item_code: "A", qty: 1, so_detail: "s1", against_sales_order: "SO-2" },
      ],
    });
    const s = setup(joined);
    expect(await s.push.push("DN-1")).toMatchObject([
      { outcome: "created", fulfillmentId: "F-1" },
      { outcome: "created", fulfillmentId: "F-2" },
    ]);
    expect(s.wix.of(order.id).map((f) => f.lineItems)).toEqual([
      [
        { id: "L1", quantity: 1 },
        { id: "L2", quantity: 1 },
      ],
    ]);
    expect(s.wix.of(second.id).map((f) => f.lineItems)).toEqual([[{ id: "M1", quantity: 1 }]]);
    expect(await s.push.push("DN-1")).toMatchObject([{ reason: "unchanged" }, { reason: "unchanged" }]);

    s.erpnext.seed("Delivery Note", { ...joined, wix_tracking_number: "J2" });
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "updated" }, { outcome: "updated" }]);
    expect(s.wix.of(second.id)[0]?.trackingInfo).toEqual({ trackingNumber: "J2" });

    s.erpnext.seed("Delivery Note", { ...joined, docstatus: 2 });
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "updated" }, { outcome: "updated" }]);
    expect([s.wix.of(order.id), s.wix.of(second.id)]).toEqual([[], []]);
  });

  test("one order of a joined note refused does not hold back the other", async () => {
    const s = setup(
      note({
        items: [
          { item_code: "A", qty: 3, so_detail: "s1", against_sales_order: "SO-2" },
          { item_code: "B", qty: 1, so_detail: "r2", against_sales_order: "SO-1" },
        ],
      }),
    );
    // SO-2's order has 2 x A: 3 cannot be placed; SO-1's row still ships.
    await expect(s.push.push("DN-1")).rejects.toBeInstanceOf(PermanentError);
    expect(s.wix.of(order.id).map((f) => f.lineItems)).toEqual([[{ id: "L2", quantity: 1 }]]);
    expect(s.wix.of(second.id)).toEqual([]);
    await expect(s.push.push("DN-1")).rejects.toBeInstanceOf(PermanentError);
    expect(s.wix.of(order.id)).toHaveLength(1);
  });

  test("a note against an amended Sales Order is fulfilled on the order of the one it amends", async () => {
    const s = setup(
      note({ items: [{ item_code: "B", qty: 1, so_detail: "a2", against_sales_order: "SO-1-1" }] }),
    );
    // Amend copies po_no, not our no_copy wix_order_id; the amendment is named <name>-1.
    s.erpnext.seed("Sales Order", {
      name: "SO-1-1",
      docstatus: 1,
      amended_from: "SO-1",
      po_no: "10001",
      items: [
        { name: "a1", item_code: "A", qty: 2, idx: 1 },
        { name: "a2", item_code: "B", qty: 1, idx: 2 },
      ],
    });
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "created" }]);
    expect(s.wix.of(order.id).map((f) => f.lineItems)).toEqual([[{ id: "L2", quantity: 1 }]]);
    expect(s.shipments.salesOrders.get("SO-1-1")).toBe(order.id);
  });

  test("billing hears of a pushed note once, also when its lost create is adopted; not of a redelivery", async () => {
    const s = setup(note({ wix_tracking_number: "T7" }));
    s.wix.failNextCreate = new RetryableError("504 after the commit");
    await expect(s.push.push("DN-1")).rejects.toBeInstanceOf(RetryableError);
    expect(s.delivered).toEqual([]);
    await s.push.push("DN-1");
    await s.push.push("DN-1");
    expect(s.delivered).toEqual([order.id]);

    // A note joining two Sales Orders: each Wix order is billed.
    const joined = setup(
      note({
        items: [
          { item_code: "A", qty: 1, so_detail: "r1", against_sales_order: "SO-1" },
          { item_code: "A", qty: 1, so_detail: "s1", against_sales_order: "SO-2" },
        ],
      }),
    );
    await joined.push.push("DN-1");
    expect(joined.delivered.sort()).toEqual([order.id, second.id].sort());
  });

  test("FULFILMENT_SOURCE=wix: Delivery Notes are not pushed", async () => {
    const s = setup(note(), "wix");
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "ignored" }]);
  });
});

describe("ShipmentPush on two Wix sites", () => {
  /**
   * Site "eu" over the same ERPNext: its own state (it made order-eu's Sales Order SO-3), its own
   * Wix, every call to which is recorded.
   */
  function euSite(erpnext: FakeErpnext) {
    const orderEu: WixOrder = { ...order, id: "order-eu", number: "10001" };
    erpnext.seed("Sales Order", {
      name: "SO-3",
      docstatus: 1,
      wix_site: "eu",
      po_no: "10001",
      items: [{ name: "e1", item_code: "A", qty: 2, idx: 1 }],
    });
    const fake = new OrdersWix([orderEu]);
    const wixCalls: string[] = [];
    const wix = new Proxy(fake, {
      get: (target, key) => {
        const value = Reflect.get(target, key);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          wixCalls.push(String(key));
          return value.apply(target, args);
        };
      },
    });
    const shipments = new FakeShipments();
    shipments.salesOrders.set("SO-3", orderEu.id);
    const { push, log, delivered } = pushOf(
      erpnext,
      wix,
      shipments,
      { site: "eu", source: "erpnext" },
      (id) => (id === orderEu.id ? "SO-3" : undefined),
    );
    return { push, fake, wixCalls, shipments, log, delivered, orderEu };
  }

  const writes = (erpnext: FakeErpnext) =>
    erpnext.calls.filter((c) => !c.startsWith("get") && !c.startsWith("list"));

  test("a note of the default site's order: that site pushes it, the other makes no call, writes nothing and says nothing, submitted, edited or cancelled", async () => {
    const s = setup(note({ wix_tracking_number: "T1" }));
    const eu = euSite(s.erpnext);
    // submitted
    expect(await eu.push.push("DN-1")).toEqual([]);
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "created" }]);
    // tracking edited
    s.erpnext.seed("Delivery Note", note({ wix_tracking_number: "T2" }));
    expect(await eu.push.push("DN-1")).toEqual([]);
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "updated" }]);
    // cancelled
    s.erpnext.seed("Delivery Note", note({ docstatus: 2 }));
    expect(await eu.push.push("DN-1")).toEqual([]);
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "updated" }]);
    // a draft, and a draft cancelled before any push
    s.erpnext.seed("Delivery Note", note({ name: "DN-2", docstatus: 0 }));
    s.erpnext.seed("Delivery Note", note({ name: "DN-3", docstatus: 2 }));
    expect([await eu.push.push("DN-2"), await eu.push.push("DN-3")]).toEqual([[], []]);

    expect(eu.wixCalls).toEqual([]);
    expect(eu.log).toEqual([]);
    expect(eu.delivered).toEqual([]);
    expect(eu.shipments.records.size).toBe(0);
    expect(eu.shipments.linkMap.size).toBe(0);
    expect(writes(s.erpnext)).toEqual([]);
    expect(s.log.map((e) => e.outcome)).toEqual(["created", "updated", "updated"]);
  });

  test("a note joining the same buyer's orders of two sites: each site fulfils its own order's rows, once", async () => {
    const joined = note({
      items: [
        { item_code: "A", qty: 1, so_detail: "r1", against_sales_order: "SO-1" },
        { item_code: "A", qty: 2, so_detail: "e1", against_sales_order: "SO-3" },
      ],
    });
    const s = setup(joined);
    const eu = euSite(s.erpnext);
    expect(await s.push.push("DN-1")).toMatchObject([{ outcome: "created" }]);
    expect(await eu.push.push("DN-1")).toMatchObject([{ outcome: "created" }]);
    expect(await eu.push.push("DN-1")).toMatchObject([{ outcome: "skipped", reason: "unchanged" }]);
    expect(s.wix.of(order.id).map((f) => f.lineItems)).toEqual([[{ id: "L1", quantity: 1 }]]);
    expect(eu.fake.of(eu.orderEu.id).map((f) => f.lineItems)).toEqual([[{ id: "L1", quantity: 2 }]]);
    expect([s.delivered, eu.delivered]).toEqual([[order.id], [eu.orderEu.id]]);
  });
});
