import { describe, expect, it } from "@jest/globals";
import { DryRunSkipped } from "#shared/errors";
import { MAKE_SALES_INVOICE } from "#shared/flows/billing/invoice";
import { INVOICE_RETURN } from "#shared/flows/refunds/credit-note";
import { DELIVERY_RETURN } from "#shared/flows/refunds/restock";
import { MAKE_DELIVERY_NOTE } from "#shared/flows/shipments/pull";
import { HttpClient } from "#shared/http/client";
import { isErpnextRead, isWixRead, summarize } from "#shared/http/dry-run";

describe("test mode write guard", () => {
  it("lets reads through: GET, Wix query/search POSTs, Frappe read methods", () => {
    expect(isWixRead({ method: "GET", path: "/stores/v3/products/1" })).toBe(true);
    expect(isWixRead({ method: "POST", path: "/stores/v3/products/search-variants" })).toBe(true);
    expect(isWixRead({ method: "POST", path: "/ecom/v1/orders/search" })).toBe(true);
    expect(isWixRead({ method: "POST", path: "/stores/v3/bulk/products/update" })).toBe(false);
    expect(isWixRead({ method: "PATCH", path: "/stores/v3/products/1" })).toBe(false);
    expect(isErpnextRead({ method: "POST", path: "/api/method/frappe.client.get_list" })).toBe(true);
    expect(isErpnextRead({ method: "POST", path: "/api/method/frappe.client.insert" })).toBe(false);
    expect(isErpnextRead({ method: "POST", path: "/api/resource/Customer" })).toBe(false);
    expect(isErpnextRead({ method: "DELETE", path: "/api/resource/Sales%20Order/SO-1" })).toBe(false);
  });

  it("lets the POST reads of shipments, billing and refunds through: Wix list-by-ids, ERPNext mappers", () => {
    // List Fulfillments / Transactions For Multiple Orders (ECOM.READ_FULFILLMENTS, ECOM.READ_TRANSACTIONS).
    expect(isWixRead({ method: "POST", path: "/ecom/v1/fulfillments/list-by-ids" })).toBe(true);
    expect(isWixRead({ method: "POST", path: "/ecom/v1/payments/list-by-ids" })).toBe(true);
    expect(isWixRead({ method: "POST", path: "/ecom/v1/fulfillments/orders/o1/create-fulfillment" })).toBe(
      false,
    );
    expect(isWixRead({ method: "POST", path: "/ecom/v1/payments/orders/o1/add-payment" })).toBe(false);
    // The mappers the flows call, as our client sends them (the dotted path URI-encoded).
    for (const mapper of [MAKE_DELIVERY_NOTE, MAKE_SALES_INVOICE, INVOICE_RETURN, DELIVERY_RETURN])
      expect(isErpnextRead({ method: "POST", path: `/api/method/${encodeURIComponent(mapper)}` })).toBe(true);
    expect(isErpnextRead({ method: "POST", path: "/api/method/frappe.client.submit" })).toBe(false);
  });

  it("withholds a write before any attempt, records it and answers DryRunSkipped", async () => {
    const recorded: unknown[] = [];
    const http = new HttpClient({
      name: "Wix",
      // Nothing listens here: a write that went out would fail with a network error instead.
      baseUrl: "http://127.0.0.1:9",
      headers: () => ({}),
      describeError: () => ({ message: "x", details: {} }),
      dryRun: { isRead: isWixRead, record: (w) => recorded.push(w) },
    });
    const body = { products: [{ product: { name: "Mug" } }, { product: { name: "Cap" } }] };
    const sent = http.send({ method: "POST", path: "/stores/v3/bulk/products/update", body });
    await expect(sent).rejects.toBeInstanceOf(DryRunSkipped);
    await expect(sent).rejects.toThrow("test mode: would POST /stores/v3/bulk/products/update (2 products)");
    expect(recorded).toEqual([
      { system: "Wix", method: "POST", path: "/stores/v3/bulk/products/update", summary: "2 products" },
    ]);
    expect(http.stats.writes).toBe(0);
  });

  it("summarizes without copying values it does not name", () => {
    expect(summarize({ method: "POST", path: "/x", body: { customer_name: "Ada", email_id: "a@b.c" } })).toBe(
      "customer_name=Ada",
    );
    expect(summarize({ method: "PUT", path: "/x", body: { docstatus: 1 } })).toBe("fields: docstatus");
  });
});
