import * as z from "../validation";

/** The three work queues; each has a dead-letter queue `<name>-dlq`. */
export const QUEUES = ["products", "inventory", "orders"] as const;
export type QueueName = (typeof QUEUES)[number];

const code = z.string().check(z.minLength(1));
/** Thin webhooks name a document, not its item: the worker resolves these to item codes. */
const refs = z.optional(z.array(code).check(z.maxLength(100)));

const itemsMessage = z
  .object({
    kind: z.literal("items"),
    itemCodes: z.array(code).check(z.maxLength(100)),
    /** Item Price names from thin webhooks. */
    priceNames: refs,
    source: z.string(),
    changedAt: z.optional(z.string()),
  })
  .check(z.refine((m) => m.itemCodes.length > 0 || (m.priceNames?.length ?? 0) > 0, "names no item"));
/** Products to file under the Wix category of their item group (the category job). */
const categoriesMessage = z.object({
  kind: z.literal("categories"),
  group: code,
  itemCodes: z.array(code).check(z.minLength(1), z.maxLength(100)),
  source: z.string(),
});
export const productsMessage = z.discriminatedUnion("kind", [itemsMessage, categoriesMessage]);
export const inventoryMessage = z
  .object({
    kind: z.literal("stock"),
    itemCodes: z.array(code).check(z.maxLength(1000)),
    /** Stock Ledger Entry names from thin webhooks. */
    ledgerEntries: refs,
    source: z.string(),
    changedAt: z.optional(z.string()),
  })
  .check(z.refine((m) => m.itemCodes.length > 0 || (m.ledgerEntries?.length ?? 0) > 0, "names no item"));
export const ordersMessage = z.object({
  kind: z.literal("order"),
  orderId: code,
  source: z.string(),
  eventType: z.optional(z.string()),
  eventId: z.optional(z.string()),
  sequence: z.optional(z.number()),
  changedAt: z.optional(z.string()),
  /** Set by a person's redrive: try an order parked for this same Wix state again. */
  retryParked: z.optional(z.boolean()),
});

export type ProductsMessage = z.infer<typeof productsMessage>;
export type InventoryMessage = z.infer<typeof inventoryMessage>;
export type OrdersMessage = z.infer<typeof ordersMessage>;
export type MessageOf<Q extends QueueName> = Q extends "products"
  ? ProductsMessage
  : Q extends "inventory"
    ? InventoryMessage
    : OrdersMessage;

export const messageSchemas = {
  products: productsMessage,
  inventory: inventoryMessage,
  orders: ordersMessage,
};

/** Where work goes: SQS in both hosts (fauxqs locally). */
export interface Enqueuer {
  send<Q extends QueueName>(queue: Q, messages: MessageOf<Q>[]): Promise<void>;
}

/** Splits item codes into messages the products worker can push in one bulk call. */
export function itemMessages(
  codes: string[],
  source: string,
  size = 100,
  changedAt?: string,
): ProductsMessage[] {
  const out: ProductsMessage[] = [];
  for (let i = 0; i < codes.length; i += size)
    out.push({ kind: "items", itemCodes: codes.slice(i, i + size), source, changedAt });
  return out;
}
