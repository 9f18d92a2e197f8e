import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { INTEGRATION_ROLES } from "#infra/sandbox/erpnext/site";
import type { Settings } from "#shared/config/settings";
import { ErpnextClient } from "#shared/erpnext/client";
import type { HttpError } from "#shared/errors";
import { ONE_TRY } from "#shared/resilience/retry";
import { CUSTOM_FIELDS } from "#shared/setup/custom-fields";
import { describeSetup, runSetup } from "#shared/setup/setup";
import { ERPNEXT_WEBHOOKS } from "#shared/setup/webhooks";
import { WixClient } from "#shared/wix/client";
import { createItem, type Harness, productsWithSku, startHarness } from "./harness";

/** One Webhook document per (doctype, event) setup wants. */
const WEBHOOK_DOCS = ERPNEXT_WEBHOOKS.flatMap((need) => need.events).length;

/**
 * `npm run setup` against the sandbox ERPNext (which has ERPNext's Webhook and Custom Field
 * doctypes, their validation and System Manager-only permission) over its REST API.
 */
let h: Harness;
let settings: Settings;
let erpnext: ErpnextClient;
let wix: WixClient;
const webhookUrl = () => `${h.host.url}/webhooks/erpnext`;
const setup = (opts: { dryRun?: boolean; settings?: Settings } = {}) =>
  runSetup({ erpnext, wix, settings: opts.settings ?? settings, webhookUrl: webhookUrl() }, opts);
/** A fresh ERPNext: no Webhook or Custom Field documents (the host's start made them). */
const wipe = () => {
  h.erpnext.table("Webhook").clear();
  h.erpnext.table("Custom Field").clear();
};

beforeAll(async () => {
  h = await startHarness();
  settings = (await h.host.context()).settings;
  erpnext = new ErpnextClient({ ...settings.erpnext, retry: ONE_TRY });
  wix = new WixClient({ ...settings.wix, retry: ONE_TRY });
});
afterAll(() => h.host.stop());
beforeEach(() => {
  h.erpnext.apiUserRoles = [...INTEGRATION_ROLES];
});

describe("npm run setup against the sandbox ERPNext", () => {
  test("the local host's start set the sandbox up: a re-run changes nothing and writes nothing", async () => {
    const writes = h.erpnext.calls.writes;
    const result = await setup();
    expect(result.problems).toEqual([]);
    expect(result.actions.filter((a) => a.kind !== "unchanged")).toEqual([]);
    expect(h.erpnext.calls.writes).toBe(writes);
    expect(describeSetup(result)).toContain("(nothing to do)");
  });

  test("fresh ERPNext: Webhooks and Custom Fields created; the desk's changes sync, the API user's are not echoed", async () => {
    wipe();
    const result = await setup();
    expect(result.problems).toEqual([]);
    expect(result.applied.filter((a) => a.kind === "create")).toHaveLength(
      WEBHOOK_DOCS + CUSTOM_FIELDS.length,
    );
    expect(h.erpnext.table("Webhook").size).toBe(WEBHOOK_DOCS);
    expect([...h.erpnext.table("Custom Field").keys()]).toEqual(CUSTOM_FIELDS.map((f) => f.name));

    // A person at the desk saves an item: the Webhook documents send it; the product follows.
    createItem(h.erpnext, "SETUP-1", 4.5);
    await h.host.drain();
    expect(productsWithSku(h.wix, "SETUP-1")).toHaveLength(1);
    expect(h.erpnext.webhookLog.filter((w) => w.name === "SETUP-1")).toEqual([
      { doctype: "Item", name: "SETUP-1", status: 200 },
    ]);

    // The integration writes a status field (a Custom Field now): kept, and no webhook comes back.
    const sent = h.erpnext.webhookLog.length;
    await erpnext.update("Item", "SETUP-1", { wix_status: "Synced" });
    await h.host.drain();
    expect(h.erpnext.get("Item", "SETUP-1").wix_status).toBe("Synced");
    expect(h.erpnext.webhookLog.length).toBe(sent);
  });

  test("a missing account: one message listing it with its fix; nothing half-made", async () => {
    wipe();
    const broken: Settings = {
      ...settings,
      orders: { ...settings.orders, paymentAccount: "Missing Bank - SC", taxAccount: "Sales Tax - SC" },
    };
    const writes = h.erpnext.calls.writes;
    const result = await setup({ settings: broken });
    expect(result.problems).toEqual([
      {
        system: "ERPNext",
        what: 'Account "Missing Bank - SC" (ERPNEXT_PAYMENT_ACCOUNT) does not exist',
        fix: "create it in ERPNext, or set ERPNEXT_PAYMENT_ACCOUNT to an existing Account",
      },
    ]);
    expect(h.erpnext.calls.writes).toBe(writes);
    expect(h.erpnext.table("Webhook").size).toBe(0);
    expect(describeSetup(result)).toContain("1 problem(s) to fix first (nothing was written)");
    await setup(); // leave the site set up for the next tests
  });

  test("an API user without System Manager: a clear message, nothing written", async () => {
    wipe();
    h.erpnext.apiUserRoles = INTEGRATION_ROLES.filter((r) => r !== "System Manager");
    const writes = h.erpnext.calls.writes;
    const result = await setup();
    expect(result.problems).toEqual([
      expect.objectContaining({
        what: "the API user integration@example.com lacks the role System Manager, needed to create Webhook and Custom Field documents",
      }),
    ]);
    expect(h.erpnext.calls.writes).toBe(writes);
    expect(h.erpnext.table("Webhook").size).toBe(0);
    h.erpnext.apiUserRoles = [...INTEGRATION_ROLES];
    await setup();
  });

  test("a dry run prints the plan and writes nothing", async () => {
    h.erpnext.update("Webhook", "wix-sync Item on_update", {
      request_url: "https://old.example.com/webhooks/erpnext",
    });
    const writes = h.erpnext.calls.writes;
    const result = await setup({ dryRun: true });
    expect(result.actions.filter((a) => a.kind !== "unchanged")).toEqual([
      expect.objectContaining({ kind: "update", name: "wix-sync Item on_update", changed: ["request_url"] }),
    ]);
    expect(h.erpnext.calls.writes).toBe(writes);
    expect(describeSetup(result)).toContain('update Webhook "wix-sync Item on_update" (request_url changed)');
    await setup();
    expect(h.erpnext.get("Webhook", "wix-sync Item on_update").request_url).toBe(webhookUrl());
  });
});

describe("sandbox ERPNext: the Webhook and Custom Field doctypes as ERPNext validates them", () => {
  const refused = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (error) {
      return { status: (error as HttpError).status, message: (error as HttpError).message };
    }
    throw new Error("not refused");
  };
  const hook = {
    webhook_doctype: "Item",
    webhook_docevent: "on_update",
    request_url: "https://x.example.com/h",
  };

  test("a Webhook needs its name in the body, a submittable doctype for on_submit, a URL with a host, a valid condition", async () => {
    expect(await refused(() => erpnext.insert("Webhook", hook))).toMatchObject({
      status: 417,
      message: expect.stringContaining("Name not set via prompt"),
    });
    expect(
      await refused(() => erpnext.insert("Webhook", { ...hook, name: "t1", webhook_docevent: "on_submit" })),
    ).toMatchObject({
      message: expect.stringContaining("DocType must be Submittable for the selected Doc Event"),
    });
    expect(
      await refused(() => erpnext.insert("Webhook", { ...hook, name: "t2", request_url: "not a url" })),
    ).toMatchObject({
      message: expect.stringContaining("Check Request URL"),
    });
    expect(
      await refused(() =>
        erpnext.insert("Webhook", { ...hook, name: "t3", condition: "doc.modified_by !=" }),
      ),
    ).toMatchObject({ message: expect.stringContaining("Invalid Condition") });
    expect(
      await refused(() => erpnext.insert("Webhook", { ...hook, name: "t4", enable_security: 1 })),
    ).toMatchObject({ message: expect.stringContaining("Invalid Webhook Secret") });
  });

  test("webhook_doctype is set only once; the secret reads back masked", async () => {
    const made = await erpnext.insert<Record<string, unknown>>("Webhook", {
      ...hook,
      name: "t5",
      enable_security: 1,
      webhook_secret: "abcdefgh",
    });
    expect(made.webhook_secret).toBe("********");
    expect(
      await refused(() => erpnext.update("Webhook", "t5", { webhook_doctype: "Item Price" })),
    ).toMatchObject({
      message: expect.stringContaining("Value cannot be changed for DocType"),
    });
    await erpnext.delete("Webhook", "t5");
  });

  test("without System Manager, Webhook and Custom Field are refused (403)", async () => {
    h.erpnext.apiUserRoles = ["Sales User"];
    expect(await refused(() => erpnext.list("Webhook", { fields: ["name"] }))).toMatchObject({ status: 403 });
    expect(
      await refused(() =>
        erpnext.insert("Custom Field", { dt: "Item", fieldname: "wix_x", fieldtype: "Data" }),
      ),
    ).toMatchObject({ status: 403 });
  });

  test("a Custom Field: named <dt>-<fieldname>, no clash with the doctype's fields, fieldtype changes only within a group", async () => {
    const made = await erpnext.insert<Record<string, unknown>>("Custom Field", {
      dt: "Item",
      label: "Shelf Code",
    });
    expect(made).toMatchObject({
      name: "Item-custom_shelf_code",
      fieldname: "custom_shelf_code",
      fieldtype: "Data",
    });
    expect(
      await refused(() =>
        erpnext.insert("Custom Field", { dt: "Item", fieldname: "item_group", fieldtype: "Data" }),
      ),
    ).toMatchObject({
      message: expect.stringContaining("A field with the name item_group already exists in Item"),
    });
    expect(
      await refused(() =>
        erpnext.update("Custom Field", "Item-custom_shelf_code", { fieldtype: "Datetime" }),
      ),
    ).toMatchObject({
      message: expect.stringContaining("Fieldtype cannot be changed from Data to Datetime"),
    });
    await erpnext.update("Custom Field", "Item-custom_shelf_code", { fieldtype: "Small Text" });
    await erpnext.delete("Custom Field", "Item-custom_shelf_code");
  });

  test("a wix_* value without its Custom Field is silently dropped, as Frappe ignores non-fields", async () => {
    createItem(h.erpnext, "SETUP-2", 3);
    await erpnext.update("Item", "SETUP-2", { wix_unknown_field: "x", wix_status: "Error" });
    const item = h.erpnext.get("Item", "SETUP-2");
    expect(item.wix_unknown_field).toBeUndefined();
    expect(item.wix_status).toBe("Error");
  });
});
