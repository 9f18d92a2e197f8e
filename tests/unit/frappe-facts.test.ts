import { describe, expect, test } from "@jest/globals";
import { checkWrite, isSubmittable, mandatoryOf, webhookEventAccepted } from "#shared/erpnext/frappe-facts";
import { CUSTOM_FIELDS } from "#shared/setup/custom-fields";

/** The contract checker refuses what Frappe refuses (shared/erpnext/frappe-facts.ts names each source). */
describe("checkWrite: Frappe's rules for one write", () => {
  const so = {
    customer: "C",
    company: "Co",
    transaction_date: "2026-12-01",
    items: [{ item_code: "A", qty: 1, rate: 5 }],
  };
  const check = (w: Parameters<typeof checkWrite>[0]) => checkWrite(w, CUSTOM_FIELDS);

  test("a complete Sales Order and its submit pass", () => {
    expect(check({ kind: "insert", doctype: "Sales Order", body: so })).toEqual([]);
    expect(
      check({
        kind: "update",
        doctype: "Sales Order",
        name: "SO-1",
        body: { docstatus: 1 },
        docstatusBefore: 0,
      }),
    ).toEqual([]);
  });

  test("a field the doctype lacks, a missing mandatory field, also in a child row", () => {
    expect(
      check({
        kind: "insert",
        doctype: "Sales Order",
        body: { ...so, customer: "", colour: "red", taxes: [{ charge_type: "Actual", account_head: "VAT" }] },
      }),
    ).toEqual([
      "insert Sales Order: Sales Order has no field colour",
      "insert Sales Order: Sales Order misses mandatory customer",
      "insert Sales Order: Sales Taxes and Charges misses mandatory description",
    ]);
  });

  test("after submit: only allow_on_submit fields (standard or Custom Field), a cancel writes nothing else", () => {
    const dn = { kind: "update" as const, doctype: "Delivery Note", name: "DN-1", docstatusBefore: 1 };
    expect(check({ ...dn, body: { wix_tracking_number: "1Z" } })).toEqual([]);
    expect(check({ ...dn, body: { lr_no: "1Z" } })).toEqual([
      "update Delivery Note DN-1: not allow_on_submit: lr_no",
    ]);
    expect(check({ ...dn, body: { docstatus: 2, wix_carrier: "ups" } })).toEqual([
      "update Delivery Note DN-1: cancel that also writes wix_carrier",
    ]);
    expect(check({ ...dn, body: { docstatus: 0 } })).toEqual(["update Delivery Note DN-1: docstatus 1 -> 0"]);
    expect(check({ ...dn, docstatusBefore: 2, body: { wix_carrier: "ups" } })).toEqual([
      "update Delivery Note DN-1: write to a cancelled document",
    ]);
    expect(
      check({ kind: "delete", doctype: "Sales Order", name: "SO-1", body: {}, docstatusBefore: 1 }),
    ).toEqual(["delete Sales Order SO-1: delete of a document with docstatus 1"]);
  });

  test("a doctype that is not submittable is never submitted; unknown doctypes and methods are named", () => {
    expect(
      check({
        kind: "insert",
        doctype: "Customer",
        body: {
          docstatus: 1,
          customer_name: "x",
          customer_type: "Individual",
          customer_group: "g",
          territory: "t",
        },
      }),
    ).toEqual(["insert Customer: Customer is not submittable"]);
    expect(check({ kind: "insert", doctype: "Lead", body: {} })).toEqual([
      "insert Lead: not a doctype the table knows",
    ]);
    expect(check({ kind: "method", doctype: "frappe.client.set_value", body: {} })).toEqual([
      "method frappe.client.set_value: not a method the table knows",
    ]);
  });
});

describe("the Webhook doctype (frappe/integrations/doctype/webhook/webhook.py validate_docevent)", () => {
  test("submit and cancel events only on submittable doctypes; Stock Ledger Entry is not one", () => {
    expect(isSubmittable("Stock Ledger Entry")).toBe(false);
    expect(webhookEventAccepted("Stock Ledger Entry", "on_submit")).toBe(false);
    expect(webhookEventAccepted("Stock Ledger Entry", "on_cancel")).toBe(false);
    expect(webhookEventAccepted("Stock Ledger Entry", "on_update")).toBe(true);
    expect(webhookEventAccepted("Delivery Note", "on_submit")).toBe(true);
    expect(webhookEventAccepted("Item", "on_update_after_submit")).toBe(false);
    expect(webhookEventAccepted("Item", "before_save")).toBe(false);
    expect(mandatoryOf("Webhook")).toEqual(["webhook_doctype", "request_url"]);
  });
});
