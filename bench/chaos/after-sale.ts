import { MAKE_DELIVERY_NOTE } from "#shared/flows/shipments/pull";
import { type ChaosSite, COMPANY_CURRENCY, cents, DRIVER, ERP, erpRef, orderLabel, sleep } from "./config";
import type { ChildHost } from "./host";

// --- after the sale: shipments and refunds ------------------------------------------------

/** A placed checkout as the control route answers it (the parts the after-sale steps use). */
export interface PlacedOrder {
  id: string;
  number: string;
  currency: string;
  paymentStatus: string;
  lineItems: { id: string; quantity: number }[];
  additionalFees?: { id: string }[];
  priceSummary: { shipping?: { amount: string } };
}

/** What the integration is set to do with shipments and invoices in a pass (README: Configuration). */
export interface PassSettings {
  fulfilmentSource: "erpnext" | "wix";
  invoiceOn: "payment" | "fulfilment" | "order" | "never";
}

type Ship = "all" | "first line";

interface Plan {
  ship?: Ship;
  refund?: "part" | "full";
  /** Shipped in one Delivery Note with this other order of the same buyer (its checkout index). */
  joinWith?: number;
  /** The other half of a joined note (shipped by the order at `joinWith`). */
  joinedBy?: number;
  /** Cancelled in the desk and amended (a copy with `amended_from`), submitted, then shipped. */
  amend?: boolean;
  /** Cancelled in Wix, then refunded in full. */
  cancelRefund?: boolean;
}

/**
 * What the merchant does after the sale, by checkout index (deterministic), for orders of the
 * company's currency (those parked by design are left alone):
 * - every 5th order is shipped (in full when k % 10 is 1, else its first line only), except that
 *   k % 20 = 6 ships in ONE Delivery Note with the buyer's next order not shipped otherwise;
 * - every 8th paid order is refunded in part (one unit of its first line), every 8th + 4 in full;
 *   some are both shipped and refunded;
 * - every 10th + 3 (unpaid) is cancelled and amended in the desk, then shipped;
 * - every 16th + 2 (paid, not shipped) is cancelled in Wix, then refunded in full.
 */
export function afterSalePlans(placed: PlacedOrder[], buyers: number): Plan[] {
  const base = (k: number): Plan => {
    const order = placed[k];
    if (order?.currency !== COMPANY_CURRENCY) return {};
    const paid = order.paymentStatus === "PAID";
    const ship = k % 5 === 1 ? (k % 10 === 1 ? "all" : "first line") : undefined;
    return {
      ship,
      refund: paid && k % 8 === 0 ? "part" : paid && k % 8 === 4 ? "full" : undefined,
      amend: !paid && k % 10 === 3 ? true : undefined,
      cancelRefund: paid && !ship && k % 16 === 2 ? true : undefined,
    };
  };
  const plans = placed.map((_, k) => base(k));
  // Shipped some other way already (a refund of the partner is fine: it follows the shipment).
  const shipping = (p: Plan) =>
    Boolean(p.ship || p.amend || p.cancelRefund || p.joinWith !== undefined || p.joinedBy !== undefined);
  placed.forEach((_, k) => {
    if (k % 20 !== 6 || !plans[k]?.ship) return;
    // The same buyer's next checkout not shipped otherwise (checkouts() deals buyers round-robin).
    for (let partner = k + buyers; partner < placed.length; partner += buyers) {
      const other = plans[partner] as Plan;
      if (shipping(other) || placed[partner]?.currency !== COMPANY_CURRENCY) continue;
      plans[k] = { ...plans[k], ship: undefined, joinWith: partner };
      plans[partner] = { ...other, joinedBy: k };
      return;
    }
  });
  return plans;
}

export interface AfterSale {
  shipped: number;
  partlyRefunded: number;
  fullyRefunded: number;
  /** Orders shipped in one Delivery Note with another order of the same buyer (numbers). */
  joined: [string, string][];
  /** Sales Orders cancelled and amended in the desk, then shipped. */
  amended: { number: string; from: string; to: string }[];
  /** Orders cancelled in Wix, then refunded in full. */
  cancelledAndRefunded: { number: string; id: string }[];
  /** Fulfilments made in Wix (FULFILMENT_SOURCE=wix) / of those, whose webhook was lost. */
  wixFulfilments: number;
  lostWebhooks: number;
  /** Orders not booked in ERPNext in time to ship or refund them (skipped, listed). */
  notReady: string[];
  /** After-sale steps ERPNext or Wix refused (the step and the answer). */
  refused: string[];
}

/** Every site's after-sale work together (the report's figures). */
export function together(sites: AfterSale[]): AfterSale {
  const sum = (f: (a: AfterSale) => number) => sites.reduce((n, a) => n + f(a), 0);
  return {
    shipped: sum((a) => a.shipped),
    partlyRefunded: sum((a) => a.partlyRefunded),
    fullyRefunded: sum((a) => a.fullyRefunded),
    joined: sites.flatMap((a) => a.joined),
    amended: sites.flatMap((a) => a.amended),
    cancelledAndRefunded: sites.flatMap((a) => a.cancelledAndRefunded),
    wixFulfilments: sum((a) => a.wixFulfilments),
    lostWebhooks: sum((a) => a.lostWebhooks),
    notReady: sites.flatMap((a) => a.notReady),
    refused: sites.flatMap((a) => a.refused),
  };
}

/** A Delivery Note as a user makes it in the desk: ERPNext's mapper, then submitted (announced). */
export async function ship(host: ChildHost, salesOrder: string, which: "all" | "first line"): Promise<void> {
  const draft = (
    await host.must(
      "POST",
      `/sandbox/erpnext/api/method/${MAKE_DELIVERY_NOTE}?${DRIVER}`,
      { source_name: salesOrder },
      ERP,
    )
  ).body.message as { items: unknown[] };
  const items = which === "all" ? draft.items : draft.items.slice(0, 1);
  await host.must(
    "POST",
    `/sandbox/erpnext/api/resource/Delivery%20Note?${DRIVER}`,
    { ...draft, items, docstatus: 1 },
    ERP,
  );
}

/** A refund made in the site's Wix dashboard: Calculate Refund for the items, then Refund Payments. */
export async function refund(
  host: ChildHost,
  site: ChaosSite,
  order: PlacedOrder,
  how: "part" | "full",
): Promise<void> {
  const first = order.lineItems[0] as PlacedOrder["lineItems"][number];
  const refundItems =
    how === "part"
      ? { lineItems: [{ lineItemId: first.id, quantity: 1 }] }
      : {
          lineItems: order.lineItems.map((l) => ({ lineItemId: l.id, quantity: l.quantity })),
          additionalFees: (order.additionalFees ?? []).map((f) => ({ additionalFeeId: f.id })),
          ...(cents(order.priceSummary.shipping?.amount ?? 0) > 0 ? { shipping: {} } : {}),
        };
  const calc = await host.must(
    "POST",
    `${site.wix}/ecom/v1/order-billing/calculate-refund?${DRIVER}`,
    { orderId: order.id, refundItems },
    site.headers,
  );
  const tx = await host.must(
    "GET",
    `${site.wix}/ecom/v1/payments/orders/${order.id}?${DRIVER}`,
    undefined,
    site.headers,
  );
  const payment = tx.body.orderTransactions.payments[0] as { id: string; amount: { amount: string } };
  // Never more than the payment (Refund Payments refuses it).
  const amount = Math.min(cents(calc.body.summary.total.amount), cents(payment.amount.amount));
  await host.must(
    "POST",
    `${site.wix}/ecom/v1/order-billing/refund-payments?${DRIVER}`,
    {
      orderId: order.id,
      paymentRefunds: [{ paymentId: payment.id, amount: { amount: (amount / 100).toFixed(2) } }],
      refundItems,
    },
    site.headers,
  );
}

/**
 * One Delivery Note for two Sales Orders, as the desk's "Get Items From > Sales Order" makes it
 * with both selected: erpnext/public/js/utils.js map_current_doc posts to
 * frappe.model.mapper.map_docs (frappe/model/mapper.py), which runs make_delivery_note once per
 * source on the note so far (`source_names` and `target_doc` JSON strings, as frappe.call sends).
 * Refused here (not submitted) when the mapped note lacks either order's rows.
 */
async function shipJoined(host: ChildHost, salesOrders: [string, string]): Promise<void> {
  const draft = (
    await host.must(
      "POST",
      `/sandbox/erpnext/api/method/frappe.model.mapper.map_docs?${DRIVER}`,
      {
        method: MAKE_DELIVERY_NOTE,
        source_names: JSON.stringify(salesOrders),
        target_doc: JSON.stringify({ doctype: "Delivery Note", docstatus: 0, items: [] }),
      },
      ERP,
    )
  ).body.message as { items: { against_sales_order?: string }[] };
  const missing = salesOrders.filter((so) => !draft.items.some((row) => row.against_sales_order === so));
  if (missing.length) throw new Error(`the mapped Delivery Note has no rows of ${missing.join(", ")}`);
  await host.must(
    "POST",
    `/sandbox/erpnext/api/resource/Delivery%20Note?${DRIVER}`,
    { ...draft, docstatus: 1 },
    ERP,
  );
}

/** Fields Frappe sets itself on a document or row (frappe/model/__init__.py default_fields). */
const OWN_FIELDS = ["name", "owner", "creation", "modified", "modified_by", "docstatus", "idx", "parent"];
const withoutOwn = (doc: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(doc).filter(([k]) => !OWN_FIELDS.includes(k)));

/**
 * Cancel and amend in the desk: the submitted Sales Order is cancelled (docstatus 2), then Amend
 * makes a copy with `amended_from` (frappe/public/js/frappe/model/create_new.js copy_doc with
 * from_amend: no_copy fields are kept, not the name; Frappe names it `<name>-1`), submitted.
 * Returns the amended order's name.
 */
async function amend(host: ChildHost, salesOrder: string): Promise<string> {
  const path = `/sandbox/erpnext/api/resource/Sales%20Order/${encodeURIComponent(salesOrder)}`;
  const original = (await host.must("GET", `${path}?${DRIVER}`, undefined, ERP)).body.data as Record<
    string,
    unknown
  > & { items: Record<string, unknown>[] };
  await host.must("PUT", `${path}?${DRIVER}`, { docstatus: 2 }, ERP);
  const copy = {
    ...withoutOwn(original),
    status: undefined,
    amended_from: salesOrder,
    items: original.items.map((row) => ({ ...withoutOwn(row), delivered_qty: 0, billed_amt: 0 })),
    taxes: ((original.taxes ?? []) as Record<string, unknown>[]).map(withoutOwn),
    docstatus: 1,
  };
  return (await host.must("POST", `/sandbox/erpnext/api/resource/Sales%20Order?${DRIVER}`, copy, ERP)).body
    .data.name as string;
}

/**
 * A fulfilment made in the Wix dashboard (Create Fulfillment, @wix/auto_sdk_ecom_order-fulfillments);
 * with `lose`, its `fulfillments_updated` webhook never arrives.
 */
async function fulfilInWix(
  host: ChildHost,
  site: ChaosSite,
  order: PlacedOrder,
  which: Ship,
  lose: boolean,
): Promise<void> {
  if (lose)
    await host.must("POST", `${site.wix}/_lost-webhooks`, { count: 1, match: "fulfillments_updated$" });
  const lines = which === "all" ? order.lineItems : order.lineItems.slice(0, 1);
  await host.must(
    "POST",
    `${site.wix}/ecom/v1/fulfillments/orders/${order.id}/create-fulfillment?${DRIVER}`,
    { fulfillment: { lineItems: lines.map((l) => ({ id: l.id, quantity: l.quantity })) } },
    site.headers,
  );
}

/**
 * The planned after-sale steps, each run on its order as soon as the order is booked in ERPNext (a
 * submitted Sales Order; to refund, also its Payment Entry, and its Sales Invoice where
 * INVOICE_ON=payment makes one on payment, as a merchant refunds a booked sale). `until(ms)` works
 * for at most that long and can be called again (under the faults first, then after them); orders
 * still not booked are listed in `notReady`, a step refused is listed with the answer.
 */
export function afterSales(
  host: ChildHost,
  site: ChaosSite,
  placed: PlacedOrder[],
  buyers: number,
  settings: PassSettings,
): { done: AfterSale; until(waitMs: number): Promise<void> } {
  const done: AfterSale = {
    shipped: 0,
    partlyRefunded: 0,
    fullyRefunded: 0,
    joined: [],
    amended: [],
    cancelledAndRefunded: [],
    wixFulfilments: 0,
    lostWebhooks: 0,
    notReady: [],
    refused: [],
  };
  const plans = afterSalePlans(placed, buyers);
  const todo = plans
    .map((plan, k) => ({ k, order: placed[k] as PlacedOrder, plan: { ...plan, joinedBy: undefined } }))
    .filter((t) => Object.values(t.plan).some((v) => v !== undefined));
  const submitted = encodeURIComponent(JSON.stringify([["docstatus", "=", 1]]));
  const list = async <T>(doctype: string, fields: string[]) =>
    (
      await host.must(
        "GET",
        `/sandbox/erpnext/api/resource/${encodeURIComponent(doctype)}?fields=${encodeURIComponent(JSON.stringify(fields))}&filters=${submitted}&limit_page_length=0&${DRIVER}`,
        undefined,
        ERP,
      )
    ).body.data as T[];
  /** One step; a refusal is listed and the step dropped (one bad step never blocks the others). */
  const step = async (order: PlacedOrder, what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      done.refused.push(
        `${orderLabel(site, order.number)} ${what}: ${(error as Error).message.slice(0, 200)}`,
      );
    }
  };
  const shipOne = async (so: string, order: PlacedOrder, which: Ship) => {
    if (settings.fulfilmentSource === "erpnext") await ship(host, so, which);
    else {
      // Every other Wix fulfilment's webhook is lost: the catch-up must find it.
      const lose = done.wixFulfilments % 2 === 0;
      await fulfilInWix(host, site, order, which, lose);
      done.wixFulfilments++;
      if (lose) done.lostWebhooks++;
    }
    done.shipped++;
  };
  const until = async (waitMs: number) => {
    const deadline = Date.now() + waitMs;
    while (todo.length && Date.now() < deadline) {
      // By the order's reference in ERPNext (erpRef: site-prefixed with several sites).
      const sos = new Map(
        (await list<{ name: string; po_no: string }>("Sales Order", ["name", "po_no"])).map((so) => [
          so.po_no,
          so.name,
        ]),
      );
      const invoiced = new Set(
        (await list<{ po_no: string }>("Sales Invoice", ["po_no"])).map((si) => si.po_no),
      );
      const received = new Set(
        (await list<{ reference_no: string }>("Payment Entry", ["reference_no"])).map(
          (pe) => pe.reference_no,
        ),
      );
      const booked = (order: PlacedOrder) =>
        received.has(erpRef(site, order.number)) &&
        (settings.invoiceOn !== "payment" || invoiced.has(erpRef(site, order.number)));
      for (const t of [...todo]) {
        const { order, plan } = t;
        const so = sos.get(erpRef(site, order.number));
        if (!so) continue;
        if (plan.amend) {
          plan.amend = undefined;
          await step(order, "amend and ship", async () => {
            const to = await amend(host, so);
            done.amended.push({ number: order.number, from: so, to });
            await shipOne(to, order, "all");
          });
        }
        if (plan.ship) {
          const which = plan.ship;
          plan.ship = undefined;
          await step(order, `ship (${which})`, () => shipOne(so, order, which));
        }
        if (plan.joinWith !== undefined) {
          const partner = placed[plan.joinWith] as PlacedOrder;
          const other = sos.get(erpRef(site, partner.number));
          if (other) {
            plan.joinWith = undefined;
            await step(order, `ship with #${partner.number} in one note`, async () => {
              if (settings.fulfilmentSource === "erpnext") {
                await shipJoined(host, [so, other]);
                done.shipped += 2;
              } else {
                // Wix has no joined fulfilment: each order is fulfilled in Wix on its own.
                await shipOne(so, order, "all");
                await shipOne(other, partner, "all");
              }
              done.joined.push([order.number, partner.number]);
            });
          }
        }
        if (plan.cancelRefund && booked(order)) {
          plan.cancelRefund = undefined;
          await step(order, "cancel in Wix, then refund in full", async () => {
            await host.must(
              "POST",
              `${site.wix}/ecom/v1/orders/${order.id}/cancel?${DRIVER}`,
              {},
              site.headers,
            );
            await refund(host, site, order, "full");
            done.cancelledAndRefunded.push({ number: order.number, id: order.id });
          });
        }
        if (plan.refund && booked(order)) {
          const how = plan.refund;
          plan.refund = undefined;
          await step(order, `refund (${how})`, async () => {
            await refund(host, site, order, how);
            if (how === "part") done.partlyRefunded++;
            else done.fullyRefunded++;
          });
        }
        if (!Object.values(plan).some((v) => v !== undefined)) todo.splice(todo.indexOf(t), 1);
      }
      if (todo.length) await sleep(2000);
    }
    done.notReady = todo.map((t) => orderLabel(site, t.order.number));
  };
  return { done, until };
}
