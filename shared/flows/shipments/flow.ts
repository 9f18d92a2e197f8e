import { type FlowDefinition, MINUTE, oursOnSubmitted } from "../declaration";
import { shipmentsMessage } from "./messages";

/**
 * The one fulfillments event, for create, update and delete, carrying the order's whole list
 * (@wix/auto_sdk_ecom_order-fulfillments index.typings.d.ts `onFulfillmentsUpdated`).
 */
const FULFILLMENTS_UPDATED = "wix.ecom.v1.fulfillments_updated";

/** The shipments flow: Delivery Notes from ERPNext, fulfillments from Wix (FULFILMENT_SOURCE). */
export const shipments = {
  name: "shipments",
  description: "ERPNext Delivery Notes <-> Wix fulfillments (FULFILMENT_SOURCE)",
  message: shipmentsMessage,
  worker: {
    entry: "functions/workers/shipments.ts",
    memoryMb: 512,
    timeoutSeconds: 120,
    concurrency: 2,
    // Each Delivery Note made or pushed is handed to billing (INVOICE_ON=fulfilment).
    sendsTo: ["billing"],
  },
  // A Delivery Note submitted or cancelled in the desk, and tracking edited after submit:
  // `on_update_after_submit` never fires (run_webhooks, frappe/integrations/doctype/webhook/__init__.py),
  // `on_change` does. Thin body: the worker reads the note.
  erpnext: [
    {
      doctype: "Delivery Note",
      events: ["on_submit", "on_cancel", "on_change"],
      echoFilter: true,
      fields: [],
      toMessage: (doc) => ({ kind: "delivery-note", name: doc.name }),
    },
  ],
  wix: {
    events: [FULFILLMENTS_UPDATED],
    toMessage: ({ orderId, eventId, eventTime }) => ({
      kind: "fulfillments",
      orderId,
      eventId,
      changedAt: eventTime,
      source: "webhook",
    }),
    subscriptions: [
      {
        eventType: FULFILLMENTS_UPDATED,
        dashboard: "eCommerce > Order Fulfillments > Fulfillments Updated",
        why: "shipments (fulfilments made in Wix become Delivery Notes)",
      },
    ],
    // Fulfillments are ours to record only when the merchant ships from Wix; otherwise the event
    // echoes our own writes (FULFILMENT_SOURCE=erpnext): acknowledged, not queued.
    ignoredBecause: (settings) =>
      settings.shipments.source !== "wix"
        ? "fulfillments come from ERPNext (FULFILMENT_SOURCE=erpnext)"
        : undefined,
  },
  jobs: [
    {
      name: "shipment-catchup",
      description: "Delivery Notes modified since the watermark (FULFILMENT_SOURCE=wix: Wix fulfillments)",
      rate: "rate(1 hour)",
      everyMs: 60 * MINUTE,
      // The Delivery Notes read once for every site; each Wix site's fulfillments its own (catchup.ts).
      once: true,
    },
  ],
  customFields: {
    "Delivery Note": [
      oursOnSubmitted({ fieldname: "wix_fulfillment_id", label: "Wix Fulfillment ID", fieldtype: "Data" }),
      // People type tracking in after submit; the shipments flow sends it to Wix.
      {
        fieldname: "wix_tracking_number",
        label: "Tracking Number",
        fieldtype: "Data",
        allow_on_submit: 1,
        no_copy: 1,
      },
      { fieldname: "wix_carrier", label: "Carrier", fieldtype: "Data", allow_on_submit: 1, no_copy: 1 },
      {
        fieldname: "wix_tracking_link",
        label: "Tracking Link",
        fieldtype: "Data",
        options: "URL",
        allow_on_submit: 1,
        no_copy: 1,
      },
    ],
  },
  // The catch-up marks success every hour even when nothing shipped.
  healthThresholdSeconds: 2 * 3600,
  outcomes: ["created", "updated", "linked", "skipped", "ignored", "failed"],
} as const satisfies FlowDefinition<"shipments", typeof shipmentsMessage>;
