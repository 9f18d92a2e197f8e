import { describe, expect, test } from "@jest/globals";
import { frappeJson, signFrappeBody, verifyFrappeSignature } from "#shared/erpnext/signature";
import { routeFrappeWebhook } from "#shared/runtime/webhook-routing";

// Test vectors: v14/v15 sign json.dumps(data), newer builds frappe.as_json(data) (indented, sorted
// keys): get_webhook_headers in frappe/integrations/doctype/webhook/webhook.py.
const SECRET = "s3cr3t-webhook-key";
const BODY_A =
  '{"doctype": "Item", "name": "SKU-001", "item_name": "Caf\\u00e9 Mug", "modified": "2025-01-02 03:04:05.123456", "standard_rate": 12.5, "disabled": 0}';
const BODY_B =
  '{\n "disabled": 0,\n "doctype": "Item",\n "item_name": "Caf\\u00e9 Mug",\n "modified": "2025-01-02 03:04:05.123456",\n "name": "SKU-001",\n "standard_rate": 12.5\n}';

describe("Frappe webhook signature", () => {
  test("vector A (v14/v15 json.dumps bytes)", () => {
    expect(signFrappeBody(SECRET, BODY_A)).toBe("3FNN6kecXrvjMyQ+YDyotaHlm1fWn1h/IlbnnE7QV0Y=");
    expect(
      verifyFrappeSignature(SECRET, Buffer.from(BODY_A), "3FNN6kecXrvjMyQ+YDyotaHlm1fWn1h/IlbnnE7QV0Y="),
    ).toBe(true);
  });

  test("vector B (newer builds: indent=1, sorted keys)", () => {
    expect(signFrappeBody(SECRET, BODY_B)).toBe("zLb7+XDc2k/xp54je3hreEnw7ea2C/Pf3YzkMBgye4o=");
  });

  test("our Python-style serializer reproduces vector A byte for byte", () => {
    const doc = {
      doctype: "Item",
      name: "SKU-001",
      item_name: "Café Mug",
      modified: "2025-01-02 03:04:05.123456",
      standard_rate: 12.5,
      disabled: 0,
    };
    expect(frappeJson(doc)).toBe(BODY_A);
  });

  test("a re-serialized body, a tampered body, a wrong secret or no signature do not verify", () => {
    const sig = signFrappeBody(SECRET, BODY_A);
    expect(verifyFrappeSignature(SECRET, Buffer.from(JSON.stringify(JSON.parse(BODY_A))), sig)).toBe(false);
    expect(verifyFrappeSignature(SECRET, Buffer.from(BODY_A.replace("12.5", "1.25")), sig)).toBe(false);
    expect(verifyFrappeSignature("another-secret", Buffer.from(BODY_A), sig)).toBe(false);
    expect(verifyFrappeSignature(SECRET, Buffer.from(BODY_A), undefined)).toBe(false);
    expect(verifyFrappeSignature(SECRET, Buffer.from(BODY_A), "short")).toBe(false);
  });
});

describe("routing ERPNext webhooks", () => {
  const route = (body: string, sig = signFrappeBody(SECRET, body)) =>
    routeFrappeWebhook(Buffer.from(body), sig, SECRET);

  test("Item -> products (with its template for a variant); full documents are accepted", () => {
    expect(route(BODY_A)).toMatchObject({ status: 200, work: { queue: "products", itemCodes: ["SKU-001"] } });
    expect(
      route(
        frappeJson({ doctype: "Item", name: "TS-RED", variant_of: "TS", modified: "2025-01-02 03:04:05.1" }),
      ),
    ).toMatchObject({
      work: { itemCodes: ["TS-RED", "TS"] },
    });
  });

  test("Item Price and Stock Ledger Entry, thin or with item_code", () => {
    expect(route(frappeJson({ doctype: "Item Price", name: "PRICE-1", item_code: "A" }))).toMatchObject({
      work: { queue: "products", itemCodes: ["A"] },
    });
    expect(route(frappeJson({ doctype: "Item Price", name: "PRICE-1" }))).toMatchObject({
      work: { queue: "products", itemCodes: [], priceNames: ["PRICE-1"] },
    });
    expect(route(frappeJson({ doctype: "Stock Ledger Entry", name: "SLE-1" }))).toMatchObject({
      work: { queue: "inventory", ledgerEntries: ["SLE-1"] },
    });
  });

  test("bad input gets a clear answer, never an exception", () => {
    expect(route(BODY_A, "nope")).toEqual({ status: 401, reason: "signature does not match" });
    expect(routeFrappeWebhook(Buffer.from(BODY_A), undefined, SECRET)).toEqual({
      status: 401,
      reason: "missing X-Frappe-Webhook-Signature",
    });
    expect(route("[1,2")).toEqual({ status: 400, reason: "body is not JSON" });
    expect(route("[]")).toMatchObject({ status: 400 });
    expect(route('{"doctype": "Item"}')).toMatchObject({
      status: 400,
      reason: expect.stringContaining("name"),
    });
    expect(route('{"doctype": "Sales Invoice", "name": "X"}')).toMatchObject({
      status: 200,
      ignored: expect.any(String),
    });
  });
});
