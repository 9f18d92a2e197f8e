import { spawn } from "node:child_process";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { OrderInput } from "#infra/sandbox/wix/orders";
import { MAKE_DELIVERY_NOTE } from "#shared/flows/shipments/pull";
import type { WixOrder } from "#shared/flows/wix-orders";
import type { AuditResult } from "#shared/ops/audit/run";
import { createItem, type Harness, startHarness } from "./harness";

/**
 * The audit over loopback: orders placed on the sandbox Wix, synced by the host into the sandbox
 * ERPNext, then differences planted by hand; `POST /jobs/monthly-audit?from&to` must find each one,
 * with its cause, and nothing on the orders that agree.
 */
let h: Harness;
const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
// Every order of this file is updated today: a period around it (a run across midnight included).
const PERIOD = `from=${day(-1)}&to=${day(1)}`;

const docs = (doctype: string) => [...(h.erpnext.docs.get(doctype)?.values() ?? [])];
const salesOrderOf = (number: string) =>
  docs("Sales Order").find((so) => so.po_no === number && so.docstatus !== 2);

async function audit(): Promise<AuditResult> {
  const res = await h.request("POST", `/jobs/monthly-audit?${PERIOD}`);
  expect({ status: res.status, error: (res.body as { error?: string }).error }).toEqual({ status: 200 });
  return res.body as AuditResult;
}

/** A checkout on the sandbox Wix and its webhook (a paid one is paid when approved), synced by the host. */
async function checkout(input: Partial<OrderInput>): Promise<WixOrder> {
  const order = h.wix.placeOrder({ lines: [{ sku: "AUD-1", quantity: 2 }], shipping: "4.95", ...input });
  expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
  await h.host.drain();
  return order;
}

/** A Delivery Note as a user makes it in the desk: ERPNext's mapper, the quantity set, submitted. */
function deliver(orderNumber: string, qty: number, opts: { silent?: boolean } = {}) {
  const so = salesOrderOf(orderNumber);
  const draft = h.erpnext.method(MAKE_DELIVERY_NOTE)?.({ source_name: so?.name }, h.erpnext) as {
    items: Record<string, unknown>[];
  } & Record<string, unknown>;
  h.erpnext.insert(
    "Delivery Note",
    {
      ...draft,
      items: draft.items.map((i) => ({ ...i, qty })),
      docstatus: 1,
    },
    opts,
  );
}

beforeAll(async () => {
  h = await startHarness();
  createItem(h.erpnext, "AUD-1", 12.5);
  h.erpnext.moveBin("AUD-1", "Stores - SC", { actual: 100 });
  await h.request("POST", "/jobs/product-catchup");
  await h.host.drain();
});
afterAll(async () => {
  await h.host.stop();
});

describe("audit", () => {
  const planted: Record<string, string> = {};

  test("a clean period: every order agrees, 0 differences", async () => {
    await checkout({ paymentStatus: "PAID", buyer: { email: "clean-1@example.com" } });
    await checkout({ paymentStatus: "NOT_PAID", buyer: { email: "clean-2@example.com" } });
    // Shipped in two Delivery Notes: two Wix fulfilments (the shipments flow).
    const shipped = await checkout({ paymentStatus: "PAID", buyer: { email: "clean-3@example.com" } });
    deliver(shipped.number, 1);
    deliver(shipped.number, 1);
    await h.host.drain();
    expect(h.wix.fulfillmentsOf(shipped.id)).toHaveLength(2);
    const result = await audit();
    expect(result).toEqual(
      expect.objectContaining({ checked: 3, agreeing: 3, differing: 0, differences: [] }),
    );
  });

  test("one planted difference of each kind is found, with its cause", async () => {
    // parked: an order in a currency the company does not book in.
    planted.parked = (await checkout({ currency: "EUR", buyer: { email: "parked@example.com" } })).number;
    // missing: the Sales Order of an order cancelled by hand in ERPNext.
    planted.missing = (
      await checkout({ paymentStatus: "NOT_PAID", buyer: { email: "missing@example.com" } })
    ).number;
    const so = salesOrderOf(planted.missing);
    h.erpnext.update("Sales Order", so?.name as string, { docstatus: 2 });
    // amount differs: a payment whose amount was changed in ERPNext (cancelled and amended at 10.00 less).
    planted.amount = (
      await checkout({ paymentStatus: "PAID", buyer: { email: "amount@example.com" } })
    ).number;
    const pe = docs("Payment Entry").find((p) => p.reference_no === planted.amount);
    if (!pe) throw new Error("no Payment Entry to change");
    pe.paid_amount = Number(pe.paid_amount) - 10;
    // not fulfilled: fulfilled by hand in the Wix dashboard, no Delivery Note in ERPNext.
    const fulfilledInWix = await checkout({ buyer: { email: "wix-fulfilled@example.com" } });
    planted.notFulfilled = fulfilledInWix.number;
    const ctx = await h.host.context();
    await ctx.wix.createFulfillment(fulfilledInWix.id, {
      lineItems: [{ id: fulfilledInWix.lineItems[0]?.id as string, quantity: 2 }],
    });
    // over fulfilled: a Delivery Note whose webhook never reached us (no Wix fulfilment yet).
    planted.overFulfilled = (await checkout({ buyer: { email: "dn-only@example.com" } })).number;
    // (Saved without announcing it: the Webhook documents point at the host whatever the target.)
    deliver(planted.overFulfilled, 2, { silent: true });
    // missing invoice: a paid order (INVOICE_ON=payment, the default) whose Sales Invoice was
    // cancelled by hand in ERPNext: its payment first (ERPNext refuses to cancel a paid invoice),
    // then the invoice, then the payment amended as an advance on the Sales Order.
    planted.noInvoice = (
      await checkout({ paymentStatus: "PAID", buyer: { email: "no-invoice@example.com" } })
    ).number;
    const invoice = docs("Sales Invoice").find((si) => si.po_no === planted.noInvoice && si.docstatus === 1);
    const paid = docs("Payment Entry").find((p) => p.reference_no === planted.noInvoice && p.docstatus === 1);
    if (!invoice || !paid) throw new Error("no Sales Invoice and payment to cancel");
    h.erpnext.update("Payment Entry", paid.name as string, { docstatus: 2 });
    h.erpnext.update("Sales Invoice", invoice.name as string, { docstatus: 2 });
    const { name: _cancelled, docstatus: _d, status: _s, references: _r, ...amended } = paid;
    h.erpnext.insert(
      "Payment Entry",
      {
        ...amended,
        amended_from: paid.name,
        references: [
          {
            reference_doctype: "Sales Order",
            reference_name: salesOrderOf(planted.noInvoice)?.name,
            allocated_amount: paid.paid_amount,
          },
        ],
        docstatus: 1,
      },
      { silent: true },
    );
    // refund not booked: a shipping refund made in the Wix dashboard whose events never reached us.
    const refunded = await checkout({ paymentStatus: "PAID", buyer: { email: "refund-lost@example.com" } });
    planted.refundNotBooked = refunded.number;
    h.wix.setWebhookTarget(undefined);
    h.wix.refund(refunded.id, {
      paymentRefunds: [
        {
          paymentId: h.wix.transactionsOf(refunded.id).payments[0]?.id as string,
          amount: { amount: "4.95" },
        },
      ],
      refundItems: { shipping: { amount: { amount: "4.95" } } },
    });
    await h.wix.webhooksSettled();
    h.wix.setWebhookTarget(`${h.host.url}/webhooks/wix`);
    await h.host.drain();

    const result = await audit();
    const byOrder = new Map(result.differences.map((d) => [d.orderNumber, d]));
    expect(byOrder.get(planted.parked)).toEqual(
      expect.objectContaining({
        kind: "parked",
        document: "Sales Order",
        reason: expect.stringMatching(/EUR|currency/),
      }),
    );
    expect(byOrder.get(planted.missing)).toEqual(
      expect.objectContaining({ kind: "missing", document: "Sales Order" }),
    );
    expect(byOrder.get(planted.amount)).toEqual(
      expect.objectContaining({
        kind: "amount differs",
        document: "Payment Entry",
        wix: "29.95",
        erpnext: "19.95",
      }),
    );
    expect(byOrder.get(planted.notFulfilled)).toEqual(
      expect.objectContaining({ kind: "not fulfilled", document: "Delivery Note", wix: "2", erpnext: "0" }),
    );
    expect(byOrder.get(planted.overFulfilled)).toEqual(
      expect.objectContaining({ kind: "over fulfilled", document: "Delivery Note", wix: "0", erpnext: "2" }),
    );
    expect(byOrder.get(planted.noInvoice)).toEqual(
      expect.objectContaining({ kind: "missing", document: "Sales Invoice", wix: "29.95", erpnext: "0.00" }),
    );
    expect(byOrder.get(planted.refundNotBooked)).toEqual(
      expect.objectContaining({
        kind: "refund not booked",
        document: "Credit Note",
        wix: "4.95",
        erpnext: "0.00",
      }),
    );
    expect(result.differences).toHaveLength(7);
    expect(result).toEqual(expect.objectContaining({ checked: 10, agreeing: 3, differing: 7 }));
    expect(result.byKind).toEqual({
      parked: 1,
      missing: 2,
      "amount differs": 1,
      "not fulfilled": 1,
      "over fulfilled": 1,
      "refund not booked": 1,
    });
  });

  test("the audit is stored and the weekly report shows its summary", async () => {
    const report = (await h.request("POST", "/jobs/weekly-report")).body as {
      audit?: Record<string, unknown>;
    };
    expect(report.audit).toEqual(
      expect.objectContaining({ checked: 10, differing: 7, from: day(-1), to: day(1) }),
    );
    expect(report.audit).not.toHaveProperty("differences");
    const ctx = await h.host.context();
    const stored = await ctx.state.reports.latest<AuditResult>("audit");
    expect(stored?.differences).toHaveLength(7);
  });

  test("a bad period is refused with the reason; other jobs take no period", async () => {
    const bad = await h.request("POST", "/jobs/monthly-audit?from=2026-11-31&to=2026-11-30");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("from: expected a day as YYYY-MM-DD");
    expect((await h.request("POST", `/jobs/order-poll?${PERIOD}`)).status).toBe(400);
  });

  test("npm run audit prints the summary and each difference, exit code 1 on differences", async () => {
    const port = new URL(h.host.opsUrl).port;
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "infra/local/cli.ts", "audit", ...args], {
          env: { ...process.env, NODE_OPTIONS: "", PORT: port, OPS_PORT: "" },
        });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("exit", (code) => resolve({ code, out }));
      });
    const differs = await run(["--from", day(-1), "--to", day(1)]);
    expect(differs.code).toBe(1);
    expect(differs.out).toContain("10 orders checked, 3 agree, 7 differ");
    expect(differs.out).toMatch(new RegExp(`#${planted.amount} amount differs +Payment Entry`));
    const usage = await run(["--from", "yesterday"]);
    expect(usage.code).toBe(2);
    // Before the orders of this file: nothing to compare, nothing differs.
    const empty = await run(["--from", "2020-01-01", "--to", "2020-01-31"]);
    expect(empty.code).toBe(0);
    expect(empty.out).toContain("0 orders checked");
  });

  test("an order parked for its currency keeps its reason when its DLQ message is lost", async () => {
    const gbp = await checkout({ currency: "GBP", buyer: { email: "gbp@example.com" } });
    const parkedIn = () =>
      h.host.dlq("orders").filter((m) => (m.body as { orderId?: string }).orderId === gbp.id);
    expect(parkedIn()).toHaveLength(1);
    // A process killed after taking the DLQ's messages (a redrive, a reader): they are gone.
    const sqs = new SQSClient({ region: "us-east-1", endpoint: process.env.SQS_ENDPOINT });
    const dlqUrl = process.env.ORDERS_DLQ_URL;
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages.length) break;
      for (const m of Messages)
        await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    sqs.destroy();
    expect(parkedIn()).toEqual([]);

    const byOrder = new Map((await audit()).differences.map((d) => [d.orderNumber, d]));
    expect(byOrder.get(gbp.number)).toEqual(
      expect.objectContaining({ kind: "parked", reason: expect.stringMatching(/in GBP .*books in USD/) }),
    );
    expect(byOrder.get(planted.parked ?? "")).toEqual(
      expect.objectContaining({ kind: "parked", reason: expect.stringMatching(/in EUR .*books in USD/) }),
    );
  });
});
