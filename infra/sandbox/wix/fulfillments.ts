import { randomUUID } from "node:crypto";
import type { WixFulfillment, WixOrderWithFulfillments } from "#shared/flows/wix-fulfillments";
import { type Violation, WixError } from "./errors";
import type { WixResource, WixStore } from "./store";
import type { WixWebhooks } from "./webhooks";

/**
 * Order fulfillments (@wix/auto_sdk_ecom_order-fulfillments 1.0.65): the six calls of its request
 * builders (build/cjs/index.js, `/ecom/v1/fulfillments` on www.wixapis.com) with the rules of its
 * doc comments (index.typings.d.ts / meta.d.ts):
 * - line items name order line items (`@requiredField fulfillment.lineItems.id`), at most 300;
 *   `quantity` 1..100000, defaulting to the units not already linked to a fulfillment, and never
 *   above them ("the fulfillment will not be created and an error is returned");
 * - `trackingInfo` (trackingNumber, shippingProvider 1..100, trackingLink 1..2048 WEB_URL) or
 *   `customInfo`, not both (`@oneof`); the five predefined providers get their link filled, a custom
 *   provider "must" send `trackingLink`; `TRACKING_NUMBER_ALREADY_EXISTS` on create and update;
 * - `status` only Pending/Accepted/Ready/In_Delivery/Fulfilled (case-sensitive);
 * - update cannot change line items or quantities (delete and create again); `null` clears a field;
 * - every change recomputes the order's `fulfillmentStatus` from the fulfilled quantities and sends
 *   ONE event, `wix.ecom.v1.fulfillments_updated`, carrying the order's full list after the change
 *   (index.typings.d.ts `onFulfillmentsUpdated`, `FulfillmentsUpdatedEnvelope`).
 * The buyer's shipping e-mail is not in this SDK: the sandbox only records it (`shippingEmails`).
 */
export const fulfillments: WixResource = (r, { store, webhooks }) => {
  const base = "/ecom/v1/fulfillments";
  r.on("GET", `${base}/orders/:orderId`, (req) => ({
    status: 200,
    body: { orderWithFulfillments: withFulfillments(store, orderOf(store, req.params.orderId as string).id) },
  }));
  r.on("POST", `${base}/list-by-ids`, (req) => {
    const ids = (req.body as { orderIds?: unknown })?.orderIds;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100 || ids.some((id) => typeof id !== "string"))
      throw invalid("orderIds", "a list of 1 to 100 order ids");
    // Orders this site does not have come back with no fulfillments (nothing to list for them).
    return { status: 200, body: { ordersWithFulfillments: ids.map((id) => withFulfillments(store, id)) } };
  });
  r.on("POST", `${base}/orders/:orderId/create-fulfillment`, (req) => {
    const orderId = orderOf(store, req.params.orderId as string).id;
    const fulfillment = (req.body as { fulfillment?: unknown })?.fulfillment;
    const made = createFulfillment(store, webhooks, orderId, fulfillment);
    return {
      status: 200,
      body: { orderWithFulfillments: withFulfillments(store, orderId), fulfillmentId: made.id },
    };
  });
  r.on("POST", `${base}/orders/bulk/create-fulfillments`, (req) => {
    const list = (req.body as { ordersWithFulfillments?: unknown })?.ordersWithFulfillments;
    if (!Array.isArray(list) || list.length < 1 || list.length > 100)
      throw invalid("ordersWithFulfillments", "1 to 100 orders");
    let failed = 0;
    const results = list.map((entry, originalIndex) => {
      const { orderId, fulfillments: wanted } = (entry ?? {}) as {
        orderId?: string;
        fulfillments?: unknown[];
      };
      try {
        const id = orderOf(store, String(orderId)).id;
        if (!Array.isArray(wanted) || !wanted.length) throw invalid("fulfillments", "at least one");
        for (const f of wanted) createFulfillment(store, webhooks, id, f);
        return {
          itemMetadata: { id, originalIndex, success: true },
          ordersWithFulfillments: withFulfillments(store, id),
        };
      } catch (error) {
        failed++;
        const e = error as WixError;
        return {
          itemMetadata: {
            id: orderId,
            originalIndex,
            success: false,
            error: { code: e.code ?? "INVALID_ARGUMENT", description: e.message },
          },
        };
      }
    });
    return {
      status: 200,
      body: {
        results,
        bulkActionMetadata: {
          totalSuccesses: list.length - failed,
          totalFailures: failed,
          undetailedFailures: 0,
        },
      },
    };
  });
  r.on("PATCH", `${base}/:fulfillmentId/orders/:orderId`, (req) => {
    const orderId = orderOf(store, req.params.orderId as string).id;
    const body = (req.body ?? {}) as { fulfillment?: Record<string, unknown>; fieldMask?: unknown };
    updateFulfillment(
      store,
      webhooks,
      orderId,
      req.params.fulfillmentId as string,
      body.fulfillment,
      body.fieldMask,
    );
    return { status: 200, body: { orderWithFulfillments: withFulfillments(store, orderId) } };
  });
  r.on("DELETE", `${base}/:fulfillmentId/orders/:orderId`, (req) => {
    const orderId = orderOf(store, req.params.orderId as string).id;
    deleteFulfillment(store, webhooks, orderId, req.params.fulfillmentId as string);
    return { status: 200, body: { orderWithFulfillments: withFulfillments(store, orderId) } };
  });
};

/** The five providers Wix makes the tracking link for (doc comment of `shippingProvider`). */
const KNOWN_PROVIDERS: Record<string, (n: string) => string> = {
  fedex: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  ups: (n) => `https://www.ups.com/track?tracknum=${n}`,
  usps: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  dhl: (n) => `https://www.dhl.com/en/express/tracking.html?AWB=${n}`,
  canadaPost: (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${n}`,
};
const STATUSES = new Set(["Pending", "Accepted", "Ready", "In_Delivery", "Fulfilled"]);

/** Creates a fulfillment (validated), recomputes the order's status and announces the new list. */
export function createFulfillment(
  store: WixStore,
  webhooks: WixWebhooks,
  orderId: string,
  input: unknown,
): WixFulfillment {
  if (!input || typeof input !== "object") throw invalid("fulfillment", "required");
  const f = input as Record<string, unknown>;
  const order = orderOf(store, orderId);
  const lines = f.lineItems;
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 300)
    throw invalid("fulfillment.lineItems", "1 to 300 line items");
  const left = remaining(store, orderId);
  const seen = new Set<string>();
  const lineItems = lines.map((line: { id?: unknown; quantity?: unknown }, i) => {
    const id = line?.id;
    if (typeof id !== "string" || !order.lineItems.some((l) => l.id === id))
      throw invalid(`fulfillment.lineItems[${i}].id`, "the id of one of the order's line items");
    if (seen.has(id)) throw invalid(`fulfillment.lineItems[${i}].id`, "each line item once");
    seen.add(id);
    const available = left.get(id) ?? 0;
    const quantity = line.quantity ?? available;
    if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100000)
      throw invalid(
        `fulfillment.lineItems[${i}].quantity`,
        available ? "an integer 1..100000" : "no units of this line are left to fulfil",
      );
    if ((quantity as number) > available)
      throw new WixError(
        400,
        `line item ${id}: ${quantity} requested, ${available} not yet fulfilled`,
        "INVALID_LINE_ITEM_QUANTITY",
      );
    return { id, quantity: quantity as number };
  });
  const stored: WixFulfillment = {
    id: randomUUID(),
    createdDate: new Date().toISOString(),
    lineItems,
    ...info(store, orderId, undefined, f),
  };
  checkStatus(f.status);
  if (typeof f.status === "string") stored.status = f.status;
  if (typeof f.completed === "boolean") stored.completed = f.completed;
  listOf(store, orderId).push(stored);
  if (stored.trackingInfo) store.shippingEmails.push({ orderId, fulfillmentId: stored.id as string });
  changed(store, webhooks, orderId);
  return structuredClone(stored);
}

function updateFulfillment(
  store: WixStore,
  webhooks: WixWebhooks,
  orderId: string,
  fulfillmentId: string,
  input: Record<string, unknown> | undefined,
  fieldMask: unknown,
): void {
  const current = listOf(store, orderId).find((f) => f.id === fulfillmentId);
  if (!current) throw new WixError(404, `fulfillment ${fulfillmentId} not found`, "FULFILLMENT_NOT_FOUND");
  if (!input || typeof input !== "object") throw invalid("fulfillment", "required");
  if (input.lineItems !== undefined && JSON.stringify(input.lineItems) !== JSON.stringify(current.lineItems))
    throw invalid(
      "fulfillment.lineItems",
      "line items and quantities cannot be updated: delete and create again",
    );
  // A field mask ("trackingInfo,status" or {paths}) limits the change to the fields it names.
  const paths =
    typeof fieldMask === "string"
      ? fieldMask.split(",").map((p) => p.trim().split(".")[0])
      : Array.isArray((fieldMask as { paths?: unknown })?.paths)
        ? ((fieldMask as { paths: string[] }).paths.map((p) => p.split(".")[0]) as string[])
        : undefined;
  const touches = (field: string) => field in input && (!paths || paths.includes(field));
  if (touches("trackingInfo") || touches("customInfo")) {
    const next = info(store, orderId, fulfillmentId, {
      trackingInfo: touches("trackingInfo") ? input.trackingInfo : current.trackingInfo,
      customInfo: touches("customInfo") ? input.customInfo : current.customInfo,
    });
    delete current.trackingInfo;
    delete current.customInfo;
    Object.assign(current, next);
  }
  if (touches("status")) {
    checkStatus(input.status);
    if (input.status === null) delete current.status;
    else current.status = input.status as string;
  }
  if (touches("completed")) current.completed = input.completed as boolean | null;
  changed(store, webhooks, orderId);
}

export function deleteFulfillment(
  store: WixStore,
  webhooks: WixWebhooks,
  orderId: string,
  fulfillmentId: string,
): void {
  const list = listOf(store, orderId);
  const index = list.findIndex((f) => f.id === fulfillmentId);
  if (index < 0) throw new WixError(404, `fulfillment ${fulfillmentId} not found`, "FULFILLMENT_NOT_FOUND");
  list.splice(index, 1);
  changed(store, webhooks, orderId);
}

/** The tracking or custom info of a fulfillment, validated; a known provider gets its link. */
function info(
  store: WixStore,
  orderId: string,
  self: string | undefined,
  f: { trackingInfo?: unknown; customInfo?: unknown },
): Pick<WixFulfillment, "trackingInfo" | "customInfo"> {
  const tracking = f.trackingInfo as Record<string, unknown> | null | undefined;
  const custom = f.customInfo as { fieldsData?: Record<string, unknown> } | null | undefined;
  if (tracking && custom) throw invalid("fulfillment", "trackingInfo or customInfo, not both");
  if (custom) {
    const data = custom.fieldsData ?? {};
    if (Object.keys(data).length > 100 || Object.values(data).some((v) => typeof v !== "string"))
      throw invalid("fulfillment.customInfo.fieldsData", "at most 100 string values");
    return { customInfo: { fieldsData: data as Record<string, string> } };
  }
  if (!tracking) return {};
  const text = (field: string, max: number) => {
    const value = tracking[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || value.length < 1 || value.length > max)
      throw invalid(`fulfillment.trackingInfo.${field}`, `1 to ${max} characters`);
    return value;
  };
  const trackingNumber = text("trackingNumber", 100);
  const shippingProvider = text("shippingProvider", 100);
  let trackingLink = text("trackingLink", 2048);
  if (trackingLink && !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(trackingLink))
    throw invalid("fulfillment.trackingInfo.trackingLink", "a web URL (WEB_URL)");
  const known = shippingProvider ? KNOWN_PROVIDERS[shippingProvider] : undefined;
  if (shippingProvider && !known && !trackingLink)
    throw invalid(
      "fulfillment.trackingInfo.trackingLink",
      `a custom shipping provider (${shippingProvider}) must provide the trackingLink`,
    );
  if (known && trackingNumber) trackingLink = known(encodeURIComponent(trackingNumber));
  if (
    trackingNumber &&
    listOf(store, orderId).some((o) => o.id !== self && o.trackingInfo?.trackingNumber === trackingNumber)
  )
    throw new WixError(
      400,
      `tracking number ${trackingNumber} already exists on this order`,
      "TRACKING_NUMBER_ALREADY_EXISTS",
    );
  return { trackingInfo: { trackingNumber, shippingProvider, trackingLink } };
}

function checkStatus(status: unknown): void {
  if (status !== undefined && status !== null && !STATUSES.has(String(status)))
    throw invalid("fulfillment.status", `one of ${[...STATUSES].join(", ")} (case-sensitive)`);
}

/** Units of each order line not yet linked to a fulfillment. */
function remaining(store: WixStore, orderId: string): Map<string, number> {
  const left = new Map(orderOf(store, orderId).lineItems.map((l) => [l.id, l.quantity]));
  for (const f of listOf(store, orderId))
    for (const line of f.lineItems ?? [])
      left.set(line.id as string, (left.get(line.id as string) ?? 0) - (line.quantity ?? 0));
  return left;
}

/** ORD `FulfillmentStatus`: from the fulfilled quantities; then the one `fulfillments_updated` event. */
function changed(store: WixStore, webhooks: WixWebhooks, orderId: string): void {
  const order = orderOf(store, orderId);
  const left = [...remaining(store, orderId).values()];
  const total = order.lineItems.reduce((n, l) => n + l.quantity, 0);
  const open = left.reduce((n, q) => n + q, 0);
  order.fulfillmentStatus = open === 0 ? "FULFILLED" : open < total ? "PARTIALLY_FULFILLED" : "NOT_FULFILLED";
  order.updatedDate = new Date(Math.max(Date.now(), Date.parse(order.updatedDate) + 1)).toISOString();
  webhooks.announceFulfillments(withFulfillments(store, orderId));
}

export function withFulfillments(store: WixStore, orderId: string): WixOrderWithFulfillments {
  return { orderId, fulfillments: structuredClone(store.fulfillments.get(orderId) ?? []) };
}

function listOf(store: WixStore, orderId: string): WixFulfillment[] {
  let list = store.fulfillments.get(orderId);
  if (!list) {
    list = [];
    store.fulfillments.set(orderId, list);
  }
  return list;
}

function orderOf(store: WixStore, id: string) {
  const order = store.orders.get(id);
  if (!order) throw new WixError(404, `order ${id} not found`, "ORDER_NOT_FOUND");
  return order;
}

function invalid(field: string, description: string): WixError {
  const violation: Violation = { field, description };
  return new WixError(400, `${field}: ${description}`, undefined, [violation]);
}
