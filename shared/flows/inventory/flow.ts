import { CATALOG_V1_EVENTS, v1Subscription } from "../catalog-v1-events";
import { type FlowDefinition, MINUTE, type WixProductEvent } from "../declaration";
import { inventoryMessage } from "./messages";

/** The inventory flow: ERPNext stock -> Wix inventory. */
export const inventory = {
  name: "inventory",
  description: "ERPNext stock -> Wix inventory",
  message: inventoryMessage,
  worker: {
    entry: "functions/workers/inventory.ts",
    memoryMb: 512,
    timeoutSeconds: 120,
    concurrency: 2,
    batchingWindowSeconds: 5,
  },
  erpnext: [
    // Stock moved by the integration's own documents (a Delivery Note it submits) still moves Wix
    // stock: no echo filter here. Stock Ledger Entry is not submittable, so Frappe refuses
    // on_submit/on_cancel Webhooks for it (webhook.py validate_docevent); every entry is inserted
    // already submitted (erpnext/stock/stock_ledger.py make_entry: `sle.submit()` on a new
    // document), which runs on_update (frappe/model/document.py run_post_save_methods), and a
    // cancelled voucher inserts reversing entries the same way (set_as_cancel is plain SQL).
    {
      doctype: "Stock Ledger Entry",
      events: ["on_update"],
      echoFilter: false,
      fields: ["item_code"],
      // A thin body names the entry only; the worker then reads it to find the item.
      toMessage: (doc) =>
        typeof doc.item_code === "string" && doc.item_code
          ? { kind: "stock", itemCodes: [doc.item_code] }
          : { kind: "stock", itemCodes: [], ledgerEntries: [doc.name] },
    },
  ],
  // Catalog V1 sites: stock changed in Wix (the dashboard, an import, a sale) is re-checked against
  // ERPNext's sellable stock, so Wix never offers more than ERPNext has; an unchanged item writes nothing.
  wix: {
    events: [CATALOG_V1_EVENTS.inventoryVariantsChanged, CATALOG_V1_EVENTS.inventoryItemChanged],
    toMessage: ({ productId, variants }) => ({
      kind: "stock",
      itemCodes: [],
      wixProductIds: [productId],
      ...(variants ? { wixQuantities: variants.map((v) => ({ productId, ...v })) } : {}),
      source: "webhook",
    }),
    subscriptions: [
      v1Subscription(
        CATALOG_V1_EVENTS.inventoryVariantsChanged,
        "Stores > Inventory > Inventory Variants Changed",
        "a quantity changed in Wix is set back to ERPNext's sellable stock",
      ),
      v1Subscription(
        CATALOG_V1_EVENTS.inventoryItemChanged,
        "Stores > Inventory > Inventory Item Changed",
        "quantity tracking turned off in Wix is turned back on (Wix would sell without limit)",
      ),
    ],
  },
  jobs: [
    {
      name: "inventory-delta",
      once: true,
      description: "Bins modified since the watermark",
      rate: "rate(5 minutes)",
      everyMs: 5 * MINUTE,
    },
    {
      name: "inventory-reconcile",
      description: "full compare and fix of stock",
      rate: "rate(4 hours)",
      everyMs: 240 * MINUTE,
    },
  ],
  // The delta job marks success every 5 minutes even when nothing changed.
  healthThresholdSeconds: 2 * 3600,
  outcomes: ["pushed"],
} as const satisfies FlowDefinition<"inventory", typeof inventoryMessage, WixProductEvent>;
