import { decodeJwt, errors, importSPKI, jwtVerify } from "jose";
import { CATALOG_V1_EVENTS } from "../catalog-version";
import type { WixEvent, WixProductEvent } from "../flows/declaration";
import { TRANSACTION_EVENTS } from "./transactions";

export const ORDER_EVENTS = {
  created: "wix.ecom.v1.order_created",
  updated: "wix.ecom.v1.order_updated",
  approved: "wix.ecom.v1.order_approved",
  canceled: "wix.ecom.v1.order_canceled",
  paymentStatusUpdated: "wix.ecom.v1.order_payment_status_updated",
  fulfilled: "wix.ecom.v1.order_fulfilled",
} as const;
/**
 * The one fulfillments event, for create, update and delete, carrying the order's whole list
 * (@wix/auto_sdk_ecom_order-fulfillments index.typings.d.ts `onFulfillmentsUpdated`); its
 * entity is `OrderWithFulfillments {orderId, fulfillments}`. It goes to the shipments queue.
 */
export const FULFILLMENTS_UPDATED = "wix.ecom.v1.fulfillments_updated";
/**
 * Payment events of order transactions (@wix/auto_sdk_ecom_order-transactions index.typings.d.ts):
 * "a payment or refund is added, or a payment is updated"; the deprecated `updated` still comes.
 */
const PAYMENT_EVENTS: readonly string[] = [TRANSACTION_EVENTS.detailsUpdated, TRANSACTION_EVENTS.updated];
/**
 * The events that tell of a refund: the payment events above, `order_transactions_refund_completed`
 * (once, when the refund's transactions are final) and the order's `order_payment_status_updated`
 * (to PARTIALLY_REFUNDED / FULLY_REFUNDED). Each only says "look at this order's refunds": the
 * refunds worker re-reads them.
 */
const REFUND_EVENTS: readonly string[] = [
  ...PAYMENT_EVENTS,
  TRANSACTION_EVENTS.refundCompleted,
  ORDER_EVENTS.paymentStatusUpdated,
];

/** The Catalog V1 events (shared/flows/catalog-v1-events.ts): each names a product. */
const PRODUCT_EVENTS: readonly string[] = Object.values(CATALOG_V1_EVENTS);

/** The events this module unwraps (which flows they feed: shared/runtime/webhook-routing.ts). */
const HANDLED = new Set<string>([
  ...Object.values(ORDER_EVENTS),
  ...REFUND_EVENTS,
  FULFILLMENTS_UPDATED,
  ...PRODUCT_EVENTS,
]);

/** An accepted event: an order's (its DomainEvent's id and sequence) or a V1 product's. */
export type AcceptedWixEvent = { status: 200 } & (WixEvent | WixProductEvent);

export type WixWebhookVerdict =
  | { status: 401 | 400; reason: string; metric?: string }
  | { status: 200; ignored: string; eventType?: string }
  | AcceptedWixEvent;

/** Whether the verdict is an event to route (not refused, not ignored). */
export const isAccepted = <V extends { status: number }>(
  verdict: V,
): verdict is Extract<V, AcceptedWixEvent> => verdict.status === 200 && !("ignored" in verdict);

const keyCache = new Map<string, Promise<Awaited<ReturnType<typeof importSPKI>>>>();
const key = (pem: string) => {
  let k = keyCache.get(pem);
  if (!k) {
    k = importSPKI(pem, "RS256");
    keyCache.set(pem, k);
  }
  return k;
};

/**
 * Verifies a Wix webhook (an RS256 JWT as the body) against the app's public key(s) and unwraps
 * its three layers (MessageEnvelope and DomainEvent in @wix/auto_sdk_ecom_orders
 * build/cjs/meta.d.ts): claims.data -> {eventType, instanceId, data} -> event
 * {id, entityId, entityEventSequence, createdEvent | updatedEvent | actionEvent}. Both the object
 * (`entity`, `body`) and the older string (`...AsJson`) forms are accepted.
 *
 * With `instanceId` (WIX_INSTANCE_ID), an event of another installation of the same app (another
 * site, signed with the same app key) is refused: it is not this store's order.
 */
export async function verifyWixWebhook(
  token: string,
  publicKeys: string[],
  instanceId?: string,
): Promise<WixWebhookVerdict> {
  const jwt = token.trim();
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jwt)) return { status: 401, reason: "body is not a JWT" };
  let claims: Record<string, unknown> | undefined;
  let lastError = "no public key configured";
  for (const pem of publicKeys) {
    try {
      claims = (await jwtVerify(jwt, await key(pem), { algorithms: ["RS256"] })).payload as Record<
        string,
        unknown
      >;
      break;
    } catch (error) {
      lastError =
        error instanceof errors.JWTExpired
          ? "token expired"
          : error instanceof errors.JOSEError
            ? error.code
            : "invalid token";
      if (error instanceof errors.JWTExpired) break;
    }
  }
  if (!claims) return { status: 401, reason: lastError };
  const envelope = parseLayer(claims.data);
  if (!envelope || typeof envelope.eventType !== "string")
    return { status: 400, reason: "envelope has no eventType" };
  const eventType = envelope.eventType;
  if (instanceId && envelope.instanceId !== instanceId)
    return { status: 401, reason: "event of another app instance", metric: "WebhooksForeignInstance" };
  if (!HANDLED.has(eventType))
    return { status: 200, ignored: `event ${eventType} is not handled`, eventType };
  const event = parseLayer(envelope.data);
  if (!event) return { status: 400, reason: "envelope data is not a JSON event" };
  if (PRODUCT_EVENTS.includes(eventType)) {
    // No DomainEvent here: the envelope's data is the event body itself (ProductDeletedEnvelope).
    const productId = str(event.productId);
    if (!productId) return { status: 400, reason: "event names no productId" };
    // Only tracking turned off needs a look (`InventoryItemChanged.trackInventory`; our writes keep it on).
    if (eventType === CATALOG_V1_EVENTS.inventoryItemChanged && event.trackInventory !== false)
      return { status: 200, ignored: "quantity tracking is on: nothing to re-check", eventType };
    return { status: 200, productId, eventType, ...changedVariants(event) };
  }
  const entity = entityOf(event) as Record<string, unknown> | undefined;
  // A transactions event names its order in the body (`PaymentDetailsUpdated.orderTransactions.orderId`,
  // `RefundCompleted.orderId`, TX meta.d.ts).
  // The fulfillments event's entity is `OrderWithFulfillments {orderId, fulfillments}` (FUL meta.d.ts):
  // it has no `id`, and `entityId` is only "ID of the entity associated with the event".
  const transactions = entity?.orderTransactions as Record<string, unknown> | undefined;
  const orderId =
    PAYMENT_EVENTS.includes(eventType) || eventType === TRANSACTION_EVENTS.refundCompleted
      ? (str(transactions?.orderId) ?? str(entity?.orderId) ?? str(event.entityId))
      : eventType === FULFILLMENTS_UPDATED
        ? (str(entity?.orderId) ?? str(event.entityId))
        : (str(event.entityId) ?? str(entity?.id));
  const eventId = str(event.id);
  if (!orderId || !eventId) return { status: 400, reason: "event has no id or entityId" };
  const sequence = event.entityEventSequence !== undefined ? Number(event.entityEventSequence) : undefined;
  return {
    status: 200,
    orderId,
    eventType,
    eventId,
    sequence: Number.isFinite(sequence) ? sequence : undefined,
    eventTime: str(event.eventTime),
  };
}

/** What the Wix edge knows of one site: its keys and its app instance (shared/config/sites.ts). */
export interface WixWebhookSite {
  site: string;
  publicKeys: string[];
  instanceId?: string;
}

/**
 * Verifies a Wix webhook for the site whose app instance it names (several sites on one
 * deployment): the event's instance picks the site, and only that site's keys may have signed it,
 * so a site's event naming another site's instance is refused. With one site, that site's rules.
 */
export async function verifySiteWebhook(
  token: string,
  sites: readonly WixWebhookSite[],
): Promise<SiteWebhookVerdict> {
  const site = sites.length === 1 ? sites[0] : sites.find((s) => s.instanceId === claimedInstance(token));
  if (!site)
    return { status: 401, reason: "event of an unknown app instance", metric: "WebhooksForeignInstance" };
  const verdict = await verifyWixWebhook(token, site.publicKeys, site.instanceId);
  return isAccepted(verdict) ? { ...verdict, site: site.site } : verdict;
}

/** A verdict; an accepted event also names its site. */
export type SiteWebhookVerdict =
  | Exclude<WixWebhookVerdict, AcceptedWixEvent>
  | (AcceptedWixEvent & { site: string });

/** The instance an (unverified) token names; only used to pick the keys it must verify against. */
function claimedInstance(token: string): unknown {
  try {
    return parseLayer(decodeJwt(token.trim()).data)?.instanceId;
  } catch {
    return undefined;
  }
}

/** `InventoryVariantsChanged.variants` (ChangedInventoryVariant: `id`, `newValue.quantity`, meta.d.ts). */
function changedVariants(event: Record<string, unknown>): Pick<WixProductEvent, "variants"> {
  if (!Array.isArray(event.variants)) return {};
  const variants = (event.variants as Record<string, unknown>[]).flatMap((v) => {
    const variantId = str(v?.id);
    const quantity = (v?.newValue as Record<string, unknown> | undefined)?.quantity;
    return variantId ? [{ variantId, ...(typeof quantity === "number" ? { quantity } : {}) }] : [];
  });
  return variants.length ? { variants } : {};
}

function entityOf(event: Record<string, unknown>): unknown {
  const created = event.createdEvent as Record<string, unknown> | undefined;
  const updated = event.updatedEvent as Record<string, unknown> | undefined;
  const action = event.actionEvent as Record<string, unknown> | undefined;
  if (created) return created.entity ?? parseLayer(created.entityAsJson);
  if (updated) return updated.currentEntity ?? parseLayer(updated.currentEntityAsJson);
  if (action) {
    const body = (action.body ?? parseLayer(action.bodyAsJson)) as Record<string, unknown> | undefined;
    return body?.order ?? body;
  }
  return undefined;
}

function parseLayer(value: unknown): Record<string, unknown> | undefined {
  if (value && typeof value === "object") return value as Record<string, unknown>;
  if (typeof value !== "string") return undefined;
  try {
    const parsed = JSON.parse(value);
    return parsed && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
