import { describe, expect, test } from "@jest/globals";
import { itemStatusUpdates, statusOf } from "#shared/flows/products/item-status";
import type { ItemResult } from "#shared/flows/products/sync";
import type { ProductMapping } from "#shared/flows/records";
import { StatusBatch } from "#shared/flows/status/batch";
import { ErpnextStatusWriter } from "#shared/flows/status/erpnext";
import type { StatusPort, StatusUpdate } from "#shared/flows/status/ports";
import { OutcomeRecorder } from "#shared/runtime/outcomes";

/** An in-memory StatusPort: records each call's updates; refuses the names it is told to. */
function fakePort(opts: { refuse?: string[]; down?: boolean } = {}) {
  const calls: StatusUpdate[][] = [];
  const port: StatusPort = {
    async write(updates) {
      calls.push(updates);
      if (opts.down) throw new Error("ERPNext is down");
      return updates
        .filter((u) => opts.refuse?.includes(u.name))
        .map((u) => ({ doctype: u.doctype, name: u.name, reason: "ValidationError: no" }));
    },
  };
  return { port, calls };
}

const at = new Date("2026-02-03T04:05:06.789Z");

describe("status batching", () => {
  test("several outcomes of one document in a batch make one write, the later fields winning", async () => {
    const batch = new StatusBatch();
    batch.add({ doctype: "Item", name: "A", fields: { wix_status: "Error", wix_last_error: "boom" } });
    batch.add({ doctype: "Item", name: "B", fields: { wix_status: "Synced" } });
    batch.add({ doctype: "Item", name: "A", fields: { wix_status: "Synced", wix_last_error: "" } });
    batch.add({ doctype: "Sales Order", name: "A", fields: { wix_order_id: "o1" } });
    const { port, calls } = fakePort();

    expect(await batch.flush(port)).toEqual({ written: 3, failed: [] });

    expect(calls).toEqual([
      [
        { doctype: "Item", name: "A", fields: { wix_status: "Synced", wix_last_error: "" } },
        { doctype: "Item", name: "B", fields: { wix_status: "Synced" } },
        { doctype: "Sales Order", name: "A", fields: { wix_order_id: "o1" } },
      ],
    ]);
    // Flushed: the next batch starts empty, and an empty batch makes no call.
    expect(await batch.flush(port)).toEqual({ written: 0, failed: [] });
    expect(calls).toHaveLength(1);
  });

  test("a refused or failed write is answered, never thrown", async () => {
    const batch = new StatusBatch();
    batch.add({ doctype: "Item", name: "A", fields: { wix_status: "Synced" } });
    batch.add({ doctype: "Item", name: "B", fields: { wix_status: "Synced" } });
    const refused = await batch.flush(fakePort({ refuse: ["B"] }).port);
    expect(refused).toEqual({
      written: 1,
      failed: [{ doctype: "Item", name: "B", reason: "ValidationError: no" }],
    });

    batch.add({ doctype: "Item", name: "A", fields: { wix_status: "Synced" } });
    const down = await batch.flush(fakePort({ down: true }).port);
    expect(down).toEqual({ written: 0, failed: [{ doctype: "Item", name: "A", reason: "ERPNext is down" }] });
  });

  test("the recorder writes once per batch, counts what failed, and never fails the batch", async () => {
    const metrics: Record<string, number> = {};
    const { port, calls } = fakePort({ down: true });
    const recorder = new OutcomeRecorder("products", {
      log: { writeAll: async () => undefined },
      state: { markSuccess: async () => undefined },
      metrics: {
        addMetric: (name, _unit, value) => {
          metrics[name] = (metrics[name] ?? 0) + value;
        },
      },
      status: port,
    });
    recorder.status({ doctype: "Item", name: "A", fields: { wix_status: "Pending" } });
    recorder.status({ doctype: "Item", name: "A", fields: { wix_status: "Synced" } });
    await expect(recorder.flushStatus()).resolves.toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(metrics).toEqual({ products_status_failed: 1 });
  });

  test("with status writing off, the recorder gathers and writes nothing", async () => {
    const recorder = new OutcomeRecorder("products", {
      log: { writeAll: async () => undefined },
      state: { markSuccess: async () => undefined },
      metrics: { addMetric: () => undefined },
    });
    expect(recorder.writesStatus).toBe(false);
    recorder.status({ doctype: "Item", name: "A", fields: { wix_status: "Synced" } });
    await expect(recorder.flushStatus()).resolves.toBeUndefined();
  });

  test("the ERPNext writer sends 100 documents per bulk_update and reports the refused ones", async () => {
    const requests: unknown[][] = [];
    const writer = new ErpnextStatusWriter({
      async bulkUpdate(docs) {
        requests.push(docs);
        return docs
          .filter((d) => d.docname === "I-150")
          .map((d) => ({ doctype: d.doctype, docname: d.docname, reason: "ValidationError: no" }));
      },
    });
    const updates = Array.from({ length: 250 }, (_, i) => ({
      doctype: "Item",
      name: `I-${i}`,
      fields: { wix_status: "Synced" },
    }));
    expect(await writer.write(updates)).toEqual([
      { doctype: "Item", name: "I-150", reason: "ValidationError: no" },
    ]);
    expect(requests.map((r) => r.length)).toEqual([100, 100, 50]);
    expect(requests[0]?.[0]).toEqual({ doctype: "Item", docname: "I-0", wix_status: "Synced" });
  });
});

describe("item status from product outcomes", () => {
  const result = (outcome: ItemResult["outcome"], reason?: string): ItemResult => ({
    itemCode: "X",
    outcome,
    reason,
  });

  test("each outcome's status; unchanged and unknown items get no write", () => {
    expect(statusOf(result("created"))).toBe("Synced");
    expect(statusOf(result("updated"))).toBe("Synced");
    expect(statusOf(result("linked"))).toBe("Synced");
    expect(statusOf(result("hidden"))).toBe("Hidden");
    expect(statusOf(result("failed", "Wix said no"))).toBe("Error");
    // The run holding the item's claim writes its status; this one's retry may write nothing.
    expect(
      statusOf({ ...result("failed", "being published by another worker"), claimedElsewhere: true }),
    ).toBeUndefined();
    expect(statusOf(result("skipped", "not published: no price in Standard Selling"))).toBe("Pending");
    expect(statusOf(result("skipped", "unchanged"))).toBeUndefined();
    expect(statusOf(result("skipped", "not in ERPNext and never published"))).toBeUndefined();
  });

  test("the fields: product id and dashboard link from our mapping, the error, when", async () => {
    const mapping = { itemCode: "A", productId: "p-1" } as ProductMapping;
    const asked: string[][] = [];
    const updates = await itemStatusUpdates(
      [
        { itemCode: "A", outcome: "created" },
        { itemCode: "B", outcome: "failed", reason: "INVALID_PRODUCT: no" },
        { itemCode: "C", outcome: "skipped", reason: "unchanged" },
      ],
      {
        mappings: async (codes) => {
          asked.push(codes);
          return new Map([["A", mapping]]);
        },
        siteId: "site-1",
        at,
      },
    );
    expect(asked).toEqual([["A", "B"]]);
    expect(updates).toEqual([
      {
        doctype: "Item",
        name: "A",
        fields: {
          wix_status: "Synced",
          wix_last_error: "",
          wix_last_synced: "2026-02-03 04:05:06",
          wix_product_id: "p-1",
          wix_product_link: "https://manage.wix.com/dashboard/site-1/store/products/product/p-1",
        },
      },
      { doctype: "Item", name: "B", fields: { wix_status: "Error", wix_last_error: "INVALID_PRODUCT: no" } },
    ]);
  });

  test("nothing to show: no mapping read", async () => {
    const updates = await itemStatusUpdates([{ itemCode: "C", outcome: "skipped", reason: "unchanged" }], {
      mappings: async () => {
        throw new Error("not read");
      },
    });
    expect(updates).toEqual([]);
  });
});
