import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { webhookName } from "#shared/setup/webhooks";
import { createItem, type Harness, startHarness } from "./harness";

const AUTH = { authorization: "token sandbox-api-key:sandbox-api-secret" };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.host.stop();
});

const item = (code: string) => h.erpnext.get("Item", code);
const productEntries = async (code: string) =>
  (await (await h.host.context()).log.since("products", new Date(Date.now() - 600_000))).filter(
    (e) => e.key === code,
  );
const itemWebhooks = (code: string) =>
  h.erpnext.webhookLog.filter((w) => w.doctype === "Item" && w.name === code).length;

describe("sync status in ERPNext", () => {
  test("a created product: Synced, its Wix id and dashboard link, when; no echo, no catch-up re-read", async () => {
    createItem(h.erpnext, "ST-1", 9);
    await h.host.drain();
    const doc = item("ST-1");
    const [product] = [...h.wix.products.values()].filter((p) => p.variantsInfo.variants[0]?.sku === "ST-1");
    expect(doc).toMatchObject({
      wix_status: "Synced",
      wix_product_id: product?.id,
      wix_product_link: `https://manage.wix.com/dashboard/sandbox-site-id/store/products/product/${product?.id}`,
      wix_last_error: "",
      modified_by: "integration@example.com",
    });
    expect(doc.wix_last_synced).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // The status write was not announced back: one Item webhook (the desk insert); two syncs, one
    // per desk webhook (the Item's and its Item Price's), none for our write.
    expect(itemWebhooks("ST-1")).toBe(1);
    const entries = await productEntries("ST-1");
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.outcome)).toContain("created");

    // The catch-up leaves out what only our status write changed.
    const run = await h.host.runJob("product-catchup");
    expect(run.byDoctype).toMatchObject({ Item: 0 });
  });

  test("a product Wix refuses: Error with the reason, found by the list filter", async () => {
    h.wix.rejectedSkus.add("ST-BAD");
    createItem(h.erpnext, "ST-BAD", 9);
    await h.host.drain();
    expect(item("ST-BAD")).toMatchObject({ wix_status: "Error" });
    // What an ERPNext user sees filtering the Item list by "Wix status = Error".
    const filters = encodeURIComponent(JSON.stringify([["wix_status", "=", "Error"]]));
    const fields = encodeURIComponent(JSON.stringify(["name", "wix_status", "wix_last_error"]));
    const list = await h.request(
      "GET",
      `/sandbox/erpnext/api/resource/Item?filters=${filters}&fields=${fields}`,
      undefined,
      AUTH,
    );
    expect((list.body as { data: unknown[] }).data).toEqual([
      {
        name: "ST-BAD",
        wix_status: "Error",
        wix_last_error: expect.stringContaining("violates a store rule"),
      },
    ]);
    h.wix.rejectedSkus.delete("ST-BAD");
  });

  test("a disabled item: Hidden; an item with no price: Pending with the reason", async () => {
    createItem(h.erpnext, "ST-HIDE", 9);
    await h.host.drain();
    h.erpnext.update("Item", "ST-HIDE", { disabled: 1 });
    await h.host.drain();
    expect(item("ST-HIDE")).toMatchObject({ wix_status: "Hidden", wix_product_id: expect.any(String) });

    h.erpnext.insert("Item", { item_code: "ST-NOPRICE", item_group: "Products", stock_uom: "Nos" });
    await h.host.drain();
    expect(item("ST-NOPRICE")).toMatchObject({
      wix_status: "Pending",
      wix_last_error: expect.stringContaining("price"),
    });
  });

  test("a Sales Order carries its Wix order's id, number and link", async () => {
    createItem(h.erpnext, "ST-SOLD", 5);
    await h.host.drain();
    const order = h.wix.placeOrder({ lines: [{ sku: "ST-SOLD", quantity: 1 }] });
    expect(await h.wix.sendEvent("wix.ecom.v1.order_approved", order)).toBe(200);
    await h.host.drain();
    const [so] = h.erpnext.filtered("Sales Order", [["po_no", "=", order.number]]);
    expect(so).toMatchObject({
      wix_order_id: order.id,
      wix_order_number: order.number,
      wix_order_link: `https://manage.wix.com/dashboard/sandbox-site-id/store/orders/order/${order.id}`,
    });
  });

  test("ERPNext refusing the status write leaves the sync done, and the next outcome writes it", async () => {
    h.erpnext.faults.add({ status: 500, count: 1, match: "frappe.client.bulk_update" });
    createItem(h.erpnext, "ST-REFUSED", 9);
    await h.host.drain();
    expect(h.erpnext.faults.pending).toBe(0);
    expect([...h.wix.products.values()].some((p) => p.variantsInfo.variants[0]?.sku === "ST-REFUSED")).toBe(
      true,
    );
    expect(item("ST-REFUSED").wix_status).toBeUndefined();
    expect((await productEntries("ST-REFUSED")).map((e) => e.outcome)).toContain("created");
    expect(JSON.stringify((await h.request("GET", "/dlq/products")).body)).not.toContain("ST-REFUSED");

    h.erpnext.update("Item", "ST-REFUSED", { item_name: "Renamed" });
    await h.host.drain();
    expect(item("ST-REFUSED").wix_status).toBe("Synced");
  });

  test("without the webhook condition, the one echo changes nothing and writes nothing more", async () => {
    // The Webhook document as made by hand, without setup's echo condition.
    const hook = webhookName("Item", "on_update");
    const condition = h.erpnext.get("Webhook", hook).condition;
    h.erpnext.update("Webhook", hook, { condition: "" });
    try {
      createItem(h.erpnext, "ST-ECHO", 9);
      await h.host.drain();
      const wixWrites = h.wix.calls.writes;
      // The insert, then the echo of our status write; the echo's sync is "unchanged" and writes
      // no status, so there is no second echo (syncs: the Item's, the Item Price's, the echo's).
      expect(itemWebhooks("ST-ECHO")).toBe(2);
      expect((await productEntries("ST-ECHO")).map((e) => e.outcome).sort()).toEqual([
        "created",
        "skipped",
        "skipped",
      ]);
      await h.host.drain();
      expect(itemWebhooks("ST-ECHO")).toBe(2);
      expect(h.wix.calls.writes).toBe(wixWrites);
    } finally {
      h.erpnext.update("Webhook", hook, { condition });
    }
  });

  test("sandbox rule: bulk_update takes `docs` as a JSON string, as Frappe's json.loads does", async () => {
    const path = "/sandbox/erpnext/api/method/frappe.client.bulk_update";
    const asList = await h.request("POST", path, { docs: [{ doctype: "Item", docname: "ST-1" }] }, AUTH);
    expect(asList.status).toBe(500);
    const refused = await h.request(
      "POST",
      path,
      { docs: JSON.stringify([{ doctype: "Item", docname: "NOPE", wix_status: "Synced" }]) },
      AUTH,
    );
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      message: {
        failed_docs: [{ doc: { docname: "NOPE" }, exc: expect.stringContaining("DoesNotExistError") }],
      },
    });
  });
});
