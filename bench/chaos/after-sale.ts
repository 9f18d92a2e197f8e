import { MAKE_DELIVERY_NOTE } from "#shared/erpnext/client";
import { COMPANY_CURRENCY, cents, DRIVER, ERP, sleep, WIX } from "./config";
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

/**
 * What the merchant does after the sale, by checkout index (deterministic): every 5th order of the
 * company's currency is shipped (every other one of those in part: its first line only), every
 * 8th paid one refunded in part (one unit of its first line) and every 8th + 4 in full. Some are
 * both shipped and refunded. Orders parked by design (another currency) are left alone.
 */
export function afterSalePlan(k: number, order: PlacedOrder) {
  if (order.currency !== COMPANY_CURRENCY) return {};
  const ship = k % 5 === 1 ? (k % 10 === 1 ? ("all" as const) : ("first line" as const)) : undefined;
  const paid = order.paymentStatus === "PAID";
  const refund =
    paid && k % 8 === 0 ? ("part" as const) : paid && k % 8 === 4 ? ("full" as const) : undefined;
  return { ship, refund };
}

export interface AfterSale {
  shipped: number;
  partlyRefunded: number;
  fullyRefunded: number;
  /** Orders not booked in ERPNext in time to ship or refund them (skipped, listed). */
  notReady: string[];
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

/** A refund made in the Wix dashboard: Calculate Refund for the items, then Refund Payments. */
export async function refund(host: ChildHost, order: PlacedOrder, how: "part" | "full"): Promise<void> {
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
    `/sandbox/wix/ecom/v1/order-billing/calculate-refund?${DRIVER}`,
    { orderId: order.id, refundItems },
    WIX,
  );
  const tx = await host.must(
    "GET",
    `/sandbox/wix/ecom/v1/payments/orders/${order.id}?${DRIVER}`,
    undefined,
    WIX,
  );
  const payment = tx.body.orderTransactions.payments[0] as { id: string; amount: { amount: string } };
  // Never more than the payment (Refund Payments refuses it).
  const amount = Math.min(cents(calc.body.summary.total.amount), cents(payment.amount.amount));
  await host.must(
    "POST",
    `/sandbox/wix/ecom/v1/order-billing/refund-payments?${DRIVER}`,
    {
      orderId: order.id,
      paymentRefunds: [{ paymentId: payment.id, amount: { amount: (amount / 100).toFixed(2) } }],
      refundItems,
    },
    WIX,
  );
}

/**
 * Ships and refunds the planned orders as soon as each is booked in ERPNext (a submitted Sales
 * Order; for a refund also its Sales Invoice and Payment Entry, as a merchant refunds a booked
 * sale), while the faults go on. Orders not booked within `waitMs` are skipped and listed.
 */
export async function afterSales(host: ChildHost, placed: PlacedOrder[], waitMs: number): Promise<AfterSale> {
  const done: AfterSale = { shipped: 0, partlyRefunded: 0, fullyRefunded: 0, notReady: [] };
  const todo = placed
    .map((order, k) => ({ order, ...afterSalePlan(k, order) }))
    .filter((t) => t.ship || t.refund);
  const deadline = Date.now() + waitMs;
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
  while (todo.length && Date.now() < deadline) {
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
      (await list<{ reference_no: string }>("Payment Entry", ["reference_no"])).map((pe) => pe.reference_no),
    );
    for (const t of [...todo]) {
      const so = sos.get(t.order.number);
      if (!so) continue;
      if (t.ship) {
        await ship(host, so, t.ship);
        done.shipped++;
        t.ship = undefined;
      }
      if (t.refund && invoiced.has(t.order.number) && received.has(t.order.number)) {
        await refund(host, t.order, t.refund);
        if (t.refund === "part") done.partlyRefunded++;
        else done.fullyRefunded++;
        t.refund = undefined;
      }
      if (!t.ship && !t.refund) todo.splice(todo.indexOf(t), 1);
    }
    if (todo.length) await sleep(2000);
  }
  done.notReady = todo.map((t) => `#${t.order.number}`);
  return done;
}
