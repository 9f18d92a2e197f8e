import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "@jest/globals";
import type {
  DomainEventOriginal,
  MessageEnvelopeOriginal,
  OrderWithFulfillmentsOriginal,
} from "@wix/auto_sdk_ecom_order-fulfillments/meta";
import type {
  RefundCompletedOriginal,
  PaymentDetailsUpdatedOriginal as TransactionsUpdatedOriginal,
} from "@wix/auto_sdk_ecom_order-transactions/meta";
import type {
  FulfillmentStatusUpdatedOriginal,
  OrderApprovedOriginal,
  OrderCanceledEventOrderCanceledOriginal,
  PaymentStatusUpdatedOriginal,
} from "@wix/auto_sdk_ecom_orders/meta";
import type {
  InventoryItemChangedOriginal,
  InventoryVariantsChangedOriginal,
} from "@wix/auto_sdk_stores_inventory/meta";
import type { ProductDeletedOriginal } from "@wix/auto_sdk_stores_products/meta";
import { importPKCS8, SignJWT } from "jose";
import type { Wire } from "#shared/flows/wix-orders";
import { wixEventQueues } from "#shared/runtime/webhook-routing";
import { WIX_WEBHOOK_EVENTS } from "#shared/setup/wix";
import { verifyWixWebhook } from "#shared/wix/webhook";

/**
 * Every event we subscribe (shared/setup/wix.ts), as the SDK declares it on the wire: a JWT whose
 * `data` is a MessageEnvelope {instanceId, eventType, identity, data}, whose `data` is a DomainEvent
 * {id, entityFqdn, slug, entityId?, eventTime, entityEventSequence, and one of createdEvent /
 * updatedEvent / actionEvent} (meta.d.ts of @wix/auto_sdk_ecom_orders, -order-fulfillments,
 * -order-transactions). Which of the three carries what comes from each event's envelope typing:
 * `entity` (created/updated) or `data` (action) in the packages' index.typings.d.ts / universal .d.ts.
 */
const ORDER = "5d0f8a5e-0d4c-4f0e-9a51-2a1f1c3b8e01";
const INSTANCE = "0a3c8c2e-0000-4000-8000-00000000000a";
const order = { id: ORDER, number: "10001", status: "APPROVED" as const };

type Body = Pick<DomainEventOriginal, "createdEvent" | "updatedEvent" | "actionEvent">;
const created = (entity: object): Body => ({ createdEvent: { entityAsJson: JSON.stringify(entity) } });
const updated = (entity: object): Body => ({ updatedEvent: { currentEntityAsJson: JSON.stringify(entity) } });
const action = (body: object): Body => ({ actionEvent: { bodyAsJson: JSON.stringify(body) } });

const fulfillments: Wire<OrderWithFulfillmentsOriginal> = {
  orderId: ORDER,
  fulfillments: [{ id: "f1", lineItems: [{ id: "l1", quantity: 1 }], createdDate: "2026-12-01T10:00:00Z" }],
};
const paymentDetails: Wire<TransactionsUpdatedOriginal> = {
  orderTransactions: { orderId: ORDER, payments: [], refunds: [] },
  paymentIds: ["p1"],
};
const refundCompleted: Wire<RefundCompletedOriginal> = { orderId: ORDER, refund: { id: "r1" } };

/** Each subscribed event: its entity's FQDN, whether the entity is the order, and its body. */
const EVENTS: Record<string, { fqdn: string; orderEntity: boolean; body: Body }> = {
  // OrderCreatedEnvelope / OrderUpdatedEnvelope: `entity: Order`.
  "wix.ecom.v1.order_created": { fqdn: "wix.ecom.v1.order", orderEntity: true, body: created(order) },
  "wix.ecom.v1.order_updated": { fqdn: "wix.ecom.v1.order", orderEntity: true, body: updated(order) },
  // OrderApprovedEnvelope, OrderCanceledEnvelope, OrderPaymentStatusUpdatedEnvelope,
  // OrderFulfilledEnvelope: `data: {order, ...}` (action events).
  "wix.ecom.v1.order_approved": {
    fqdn: "wix.ecom.v1.order",
    orderEntity: true,
    body: action({ order } satisfies Wire<OrderApprovedOriginal>),
  },
  "wix.ecom.v1.order_canceled": {
    fqdn: "wix.ecom.v1.order",
    orderEntity: true,
    body: action({ order, restockAllItems: false } satisfies Wire<OrderCanceledEventOrderCanceledOriginal>),
  },
  "wix.ecom.v1.order_payment_status_updated": {
    fqdn: "wix.ecom.v1.order",
    orderEntity: true,
    body: action({ order, previousPaymentStatus: "NOT_PAID" } satisfies Wire<PaymentStatusUpdatedOriginal>),
  },
  "wix.ecom.v1.order_fulfilled": {
    fqdn: "wix.ecom.v1.order",
    orderEntity: true,
    body: action({
      order,
      newFulfillmentStatus: "FULFILLED",
    } satisfies Wire<FulfillmentStatusUpdatedOriginal>),
  },
  // FulfillmentsUpdatedEnvelope: `entity: OrderWithFulfillments` ({orderId, fulfillments}, no `id`).
  "wix.ecom.v1.fulfillments_updated": {
    fqdn: "wix.ecom.v1.fulfillments",
    orderEntity: false,
    body: updated(fulfillments),
  },
  // OrderTransactionsDetailsUpdatedEnvelope / RefundCompletedEnvelope: `data` (action events).
  "wix.ecom.v1.order_transactions_details_updated": {
    fqdn: "wix.ecom.v1.order_transactions",
    orderEntity: false,
    body: action(paymentDetails),
  },
  "wix.ecom.v1.order_transactions_refund_completed": {
    fqdn: "wix.ecom.v1.order_transactions",
    orderEntity: false,
    body: action(refundCompleted),
  },
};

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = publicKey.export({ type: "spki", format: "pem" }).toString();

async function signed(eventType: string, entityId: string | undefined): Promise<string> {
  const spec = EVENTS[eventType];
  if (!spec) throw new Error(`no envelope for ${eventType}`);
  const event: DomainEventOriginal = {
    id: `evt-${eventType}`,
    entityFqdn: spec.fqdn,
    slug: eventType.slice(spec.fqdn.length + 1) || "updated",
    ...(entityId ? { entityId } : {}),
    eventTime: "2026-12-07T10:00:00.000Z" as unknown as Date, // an ISO string on the wire
    entityEventSequence: "12",
    ...spec.body,
  };
  const envelope: MessageEnvelopeOriginal = {
    instanceId: INSTANCE,
    eventType,
    identity: { identityType: "APP", appId: "9c0d7e1a-0000-4000-8000-000000000001" },
    data: JSON.stringify(event),
  };
  return new SignJWT({ data: JSON.stringify(envelope) })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(await importPKCS8(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "RS256"));
}

// Catalog V1's events are no DomainEvents (tested below).
const subscribed = WIX_WEBHOOK_EVENTS.filter((e) => !e.catalog).map((e) => e.eventType);

describe("Wix webhooks: every subscribed event, as the SDK declares it, reaches its queues", () => {
  test("an envelope is declared here for every subscribed event", () => {
    expect(subscribed.filter((e) => !EVENTS[e])).toEqual([]);
  });

  test.each(subscribed)(
    "%s: the order id is read from the event, with or without entityId",
    async (eventType) => {
      // `entityId` is optional and only "ID of the entity associated with the event": the order's
      // id when the entity is the order; for the other entities we do not rely on it.
      const entityIds = EVENTS[eventType]?.orderEntity ? [ORDER, undefined] : [undefined];
      for (const entityId of entityIds) {
        const verdict = await verifyWixWebhook(await signed(eventType, entityId), [pem], INSTANCE);
        expect(verdict).toEqual({
          status: 200,
          orderId: ORDER,
          eventType,
          eventId: `evt-${eventType}`,
          sequence: 12,
          eventTime: "2026-12-07T10:00:00.000Z",
        });
      }
      expect(wixEventQueues(eventType).length).toBeGreaterThan(0);
    },
  );

  test("fulfillments_updated names its order by entity.orderId even when entityId is something else", async () => {
    const verdict = await verifyWixWebhook(
      await signed("wix.ecom.v1.fulfillments_updated", "f1"),
      [pem],
      INSTANCE,
    );
    expect(verdict).toMatchObject({ status: 200, orderId: ORDER });
    expect(wixEventQueues("wix.ecom.v1.fulfillments_updated")).toEqual(["shipments"]);
  });
});

/**
 * Catalog V1's events: `{data: ProductDeleted, metadata: BaseEventMetadata}` envelopes
 * (index.typings.d.ts of @wix/auto_sdk_stores_products / _inventory, `EventDefinition(type, false)`
 * in their build/cjs/index.js: not a domain event), so the MessageEnvelope's `data` is the body itself.
 */
const PRODUCT = "91f7ac8b-2baa-4f7d-b2b6-4a6a5e3f0d11";
const V1_BODIES: Record<string, object> = {
  "com.wix.ecommerce.catalog.api.v1.ProductDeleted": {
    productId: PRODUCT,
  } satisfies Wire<ProductDeletedOriginal>,
  "com.wix.ecommerce.inventory.api.v1.InventoryVariantsChanged": {
    inventoryItemId: "inv-1",
    productId: PRODUCT,
    variants: [
      { id: "00000000-0000-0000-0000-000000000000", oldValue: { quantity: 5 }, newValue: { quantity: 9 } },
    ],
  } satisfies Wire<InventoryVariantsChangedOriginal>,
  "com.wix.ecommerce.inventory.api.v1.InventoryItemChanged": {
    inventoryItemId: "inv-1",
    productId: PRODUCT,
    trackInventory: false,
    fieldMask: ["trackInventory"],
  } satisfies Wire<InventoryItemChangedOriginal>,
};
const signEnvelope = async (envelope: MessageEnvelopeOriginal) =>
  new SignJWT({ data: JSON.stringify(envelope) })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(await importPKCS8(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "RS256"));
const v1Subscribed = WIX_WEBHOOK_EVENTS.filter((e) => e.catalog === "V1_CATALOG").map((e) => e.eventType);

describe("Wix webhooks: Catalog V1 events, as the SDK declares them, name their product", () => {
  test("a body is declared here for every V1 subscription, and each is one the SDK's typings name", () => {
    expect(v1Subscribed.sort()).toEqual(Object.keys(V1_BODIES).sort());
  });

  test.each(v1Subscribed)("%s: the product id is read from the body", async (eventType) => {
    const envelope: MessageEnvelopeOriginal = {
      instanceId: INSTANCE,
      eventType,
      identity: { identityType: "APP", appId: "9c0d7e1a-0000-4000-8000-000000000001" },
      data: JSON.stringify(V1_BODIES[eventType]),
    };
    const token = await signEnvelope(envelope);
    const verdict = await verifyWixWebhook(token, [pem], INSTANCE);
    expect(verdict).toMatchObject({ status: 200, productId: PRODUCT, eventType });
    // InventoryVariantsChanged also says each variant's new quantity (our own write's echo is skipped).
    if (eventType.endsWith("InventoryVariantsChanged"))
      expect(verdict).toMatchObject({
        variants: [{ variantId: "00000000-0000-0000-0000-000000000000", quantity: 9 }],
      });
    expect(wixEventQueues(eventType)).toHaveLength(1);
  });

  test("InventoryItemChanged with tracking on is acknowledged and ignored: only tracking turned off needs a look", async () => {
    const body = { productId: PRODUCT, trackInventory: true, fieldMask: ["preorderInfo"] };
    const envelope: MessageEnvelopeOriginal = {
      instanceId: INSTANCE,
      eventType: "com.wix.ecommerce.inventory.api.v1.InventoryItemChanged",
      data: JSON.stringify(body satisfies Wire<InventoryItemChangedOriginal>),
    };
    const token = await signEnvelope(envelope);
    expect(await verifyWixWebhook(token, [pem], INSTANCE)).toMatchObject({
      status: 200,
      ignored: "quantity tracking is on: nothing to re-check",
    });
  });
});
