import { CATALOG_V1_EVENTS, v1Subscription } from "../catalog-v1-events";
import { type FlowDefinition, MINUTE, ours, type WixProductEvent } from "../declaration";
import { productsMessage } from "./messages";

/** The products flow: ERPNext items -> Wix products (and their categories). */
export const products = {
  name: "products",
  description: "ERPNext items -> Wix products",
  message: productsMessage,
  worker: {
    entry: "functions/workers/products.ts",
    memoryMb: 512,
    timeoutSeconds: 120,
    concurrency: 2,
    // Products: what a Catalog V1 sync had no time left for is handed back (ProductSync.requeue).
    sendsTo: ["inventory", "products"],
  },
  erpnext: [
    {
      doctype: "Item",
      events: ["on_update", "on_trash"],
      echoFilter: true,
      fields: ["variant_of"],
      // A variant's change also changes its template's product.
      toMessage: (doc) => ({
        kind: "items",
        itemCodes:
          typeof doc.variant_of === "string" && doc.variant_of ? [doc.name, doc.variant_of] : [doc.name],
      }),
    },
    {
      doctype: "Item Price",
      events: ["on_update", "on_trash"],
      echoFilter: true,
      fields: ["item_code"],
      // A thin body names the document only; the worker then reads it to find the item.
      toMessage: (doc) =>
        typeof doc.item_code === "string" && doc.item_code
          ? { kind: "items", itemCodes: [doc.item_code] }
          : { kind: "items", itemCodes: [], priceNames: [doc.name] },
    },
  ],
  // Catalog V1 sites: a product deleted in Wix is forgotten, so stock and categories stop writing
  // to it and the item's next change publishes it again (linked by SKU, or created).
  wix: {
    events: [CATALOG_V1_EVENTS.productDeleted],
    toMessage: ({ productId }) => ({
      kind: "items",
      itemCodes: [],
      deletedProductIds: [productId],
      source: "webhook",
    }),
    subscriptions: [
      v1Subscription(
        CATALOG_V1_EVENTS.productDeleted,
        "Stores > Products > Product Deleted",
        "a product deleted in Wix is published again at its item's next change",
      ),
    ],
  },
  jobs: [
    {
      name: "product-catchup",
      once: true,
      description: "items modified since the watermark",
      rate: "rate(1 hour)",
      everyMs: 60 * MINUTE,
    },
    {
      name: "category-sync",
      description: "published products filed under their item group's Wix category, in bulk",
      rate: "rate(1 hour)",
      everyMs: 60 * MINUTE,
    },
  ],
  // The item status fields (shared/flows/status), written by the products worker.
  customFields: {
    Item: [
      ours({ fieldname: "wix_product_id", label: "Wix Product ID", fieldtype: "Data" }),
      ours({ fieldname: "wix_product_link", label: "Wix Product", fieldtype: "Data", options: "URL" }),
      ours({
        fieldname: "wix_status",
        label: "Wix Status",
        fieldtype: "Select",
        options: "\nSynced\nPending\nHidden\nError",
        in_standard_filter: 1,
      }),
      ours({ fieldname: "wix_last_synced", label: "Wix Last Synced", fieldtype: "Datetime" }),
      ours({ fieldname: "wix_last_error", label: "Wix Last Error", fieldtype: "Small Text" }),
    ],
  },
  // Items may not change for a day or two.
  healthThresholdSeconds: 2 * 86400,
  outcomes: ["created", "updated", "linked", "hidden", "failed"],
} as const satisfies FlowDefinition<"products", typeof productsMessage, WixProductEvent>;
