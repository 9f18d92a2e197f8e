import { randomUUID } from "node:crypto";
import type { WixOrder } from "#shared/flows/wix-orders";
import { WixError } from "./errors";
import { inventoryForSku } from "./inventory";
import { searchOrders } from "./order-search";
import { money, PRICE, STORES_APP_ID, type WixResource, type WixStore } from "./store";
import { balanceOf, payBalance, recordPaymentQuietly } from "./transactions";
import { decrementV1 } from "./v1-inventory";
import { DEFAULT_VARIANT_ID, v1VariantBySku, variantData } from "./v1-products";

/**
 * eCommerce orders (@wix/auto_sdk_ecom_orders): Get and Search, and the changes Wix announces with
 * webhooks, as its dashboard and checkout do: Create Order, Cancel Order, Mark as Paid. The
 * sandbox's own checkout (`placeOrder`) prices an order from the catalog.
 */
export const orders: WixResource = (r, { store, webhooks }) => {
  r.on("GET", "/ecom/v1/orders/:id", (req) => ({
    status: 200,
    body: { order: structuredClone(existing(store, req.params.id as string)) },
  }));
  r.on("POST", "/ecom/v1/orders/search", (req) => ({ status: 200, body: searchOrders(store, req.body) }));
  r.on("POST", "/ecom/v1/orders", async (req) => {
    const order = createOrder(store, req.body);
    await webhooks.announce(order, [
      "wix.ecom.v1.order_created",
      ...(order.status === "APPROVED" ? ["wix.ecom.v1.order_approved"] : []),
    ]);
    return { status: 200, body: { order } };
  });
  r.on("POST", "/ecom/v1/orders/:id/cancel", async (req) => {
    const order = changeOrder(store, existing(store, req.params.id as string).id, { status: "CANCELED" });
    await webhooks.announce(order, ["wix.ecom.v1.order_canceled"]);
    return { status: 200, body: { order } };
  });
  r.on("POST", "/ecom/v1/orders/:id/mark-as-paid", async (req) => {
    // The dashboard's Mark as Paid records an offline payment for the balance; the transaction
    // and payment-status events follow from it.
    const id = existing(store, req.params.id as string).id;
    payBalance(store, webhooks, id, "offline");
    return { status: 200, body: { order: structuredClone(existing(store, id)) } };
  });
};

export interface OrderInput {
  lines: { sku: string; quantity: number; price?: string; productName?: string; lineDiscount?: string }[];
  buyer?: { email?: string; contactId?: string; firstName?: string; lastName?: string; phone?: string };
  address?: {
    country?: string;
    city?: string;
    addressLine?: string;
    postalCode?: string;
    subdivision?: string;
  };
  shipping?: string;
  taxes?: { name: string; rate: string; amount?: string }[];
  /** Additional fees (before tax), as an additional-fees service plugin adds them. */
  fees?: { name: string; amount: string }[];
  discount?: string;
  taxIncluded?: boolean;
  currency?: string;
  status?: "APPROVED" | "PENDING";
  paymentStatus?: string;
  withoutSku?: boolean;
}

/** A checkout: prices from the catalog unless given, totals computed, stock decremented. */
export function placeOrder(store: WixStore, input: OrderInput): WixOrder {
  const lines = input?.lines;
  if (
    !Array.isArray(lines) ||
    !lines.length ||
    lines.some((l) => !l?.sku || !Number.isInteger(l.quantity) || l.quantity < 1)
  ) {
    throw new Error('lines: a list of {"sku", "quantity" >= 1} is required');
  }
  const currency = input.currency ?? "USD";
  const lineItems = input.lines.map((line) => {
    const v1Line = v1LineOf(store, line);
    if (v1Line) return v1Line;
    const product = [...store.products.values()].find((p) =>
      p.variantsInfo.variants.some((v) => v.sku === line.sku),
    );
    const variant = product?.variantsInfo.variants.find((v) => v.sku === line.sku);
    const unit =
      Number(line.price ?? variant?.price.actualPrice.amount ?? "0") - Number(line.lineDiscount ?? 0);
    return {
      id: randomUUID(),
      productName: { original: line.productName ?? product?.name ?? line.sku },
      catalogReference: {
        catalogItemId: product?.id ?? randomUUID(),
        appId: STORES_APP_ID,
        options: { variantId: variant?.id },
      },
      quantity: line.quantity,
      price: money(unit),
      totalPriceAfterTax: money(unit * line.quantity),
      physicalProperties: input.withoutSku ? {} : { sku: line.sku },
    };
  });
  const subtotal = subtotalOf(lineItems);
  const discount = Number(input.discount ?? 0);
  const taxes = (input.taxes ?? []).map((t) => ({
    taxName: t.name,
    rate: t.rate,
    aggregatedTaxAmount: money(
      t.amount !== undefined
        ? Number(t.amount)
        : ((subtotal - discount) * Number(t.rate)) / (input.taxIncluded ? 1 + Number(t.rate) : 1),
    ),
  }));
  const tax = taxes.reduce((n, t) => n + Number(t.aggregatedTaxAmount.amount), 0);
  const additionalFees = (input.fees ?? []).map((f) => {
    if (!f?.name || !PRICE.test(String(f.amount))) throw new Error('fees: a list of {"name", "amount"}');
    const price = money(Number(f.amount));
    return {
      id: randomUUID(),
      name: f.name,
      price,
      priceBeforeTax: price,
      source: "SERVICE_PLUGIN" as const,
    };
  });
  const now = new Date().toISOString();
  const contact = {
    firstName: input.buyer?.firstName ?? "Ada",
    lastName: input.buyer?.lastName ?? "Lovelace",
    phone: input.buyer?.phone,
  };
  const address = {
    country: input.address?.country ?? "US",
    subdivision: input.address?.subdivision ?? "US-NY",
    city: input.address?.city ?? "New York",
    postalCode: input.address?.postalCode ?? "10001",
    addressLine: input.address?.addressLine ?? "1 Main St",
  };
  const order: WixOrder = {
    id: randomUUID(),
    number: String(++store.orderNumber),
    createdDate: now,
    updatedDate: now,
    status: input.status ?? "APPROVED",
    paymentStatus: (input.paymentStatus ?? "NOT_PAID") as WixOrder["paymentStatus"],
    fulfillmentStatus: "NOT_FULFILLED",
    currency,
    taxIncludedInPrices: input.taxIncluded ?? false,
    buyerInfo: {
      email: input.buyer?.email ?? "ada@example.com",
      contactId: input.buyer?.contactId ?? randomUUID(),
    },
    billingInfo: { address, contactDetails: contact },
    shippingInfo: { logistics: { shippingDestination: { address, contactDetails: contact } } },
    priceSummary: priceSummary({
      subtotal,
      shipping: Number(input.shipping ?? 0),
      tax,
      discount,
      fees: additionalFees.reduce((n, f) => n + Number(f.price.amount), 0),
      taxIncluded: input.taxIncluded,
    }),
    taxInfo: { totalTax: money(tax), taxBreakdown: taxes },
    ...(additionalFees.length ? { additionalFees } : {}),
    appliedDiscounts: discount
      ? [{ discountType: "GLOBAL", coupon: { code: "SAVE", amount: money(discount) } }]
      : [],
    lineItems,
  };
  const kept = keep(store, order);
  // A paid checkout has its card payment on record (order transactions).
  if (order.paymentStatus === "PAID") recordPaymentQuietly(store, order.id, balanceOf(store, order), "card");
  return kept;
}

/**
 * Create Order (`POST /ecom/v1/orders {order}`): a Wix-shaped order; ids, number and dates are
 * Wix's, and a missing price summary is computed from the lines (tax from taxInfo).
 */
export function createOrder(store: WixStore, body: unknown): WixOrder {
  const input = (body as { order?: Partial<WixOrder> })?.order;
  if (!input || typeof input !== "object")
    throw new WixError(400, "order is required", undefined, [{ field: "order", description: "required" }]);
  const lines = input.lineItems;
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 300) {
    throw new WixError(400, "order.lineItems must hold 1 to 300 lines", undefined, [
      { field: "order.lineItems", description: "1..300" },
    ]);
  }
  lines.forEach((line, i) => {
    if (!Number.isInteger(line?.quantity) || line.quantity < 1)
      throw new WixError(400, "invalid line", undefined, [
        { field: `order.lineItems[${i}].quantity`, description: "a positive integer" },
      ]);
    if (typeof line.price?.amount !== "string" || !PRICE.test(line.price.amount))
      throw new WixError(400, "invalid line", undefined, [
        { field: `order.lineItems[${i}].price.amount`, description: "a decimal string" },
      ]);
  });
  const now = new Date().toISOString();
  const order: WixOrder = {
    currency: "USD",
    status: "APPROVED",
    paymentStatus: "NOT_PAID",
    fulfillmentStatus: "NOT_FULFILLED",
    taxIncludedInPrices: false,
    ...structuredClone(input),
    id: randomUUID(),
    number: String(++store.orderNumber),
    createdDate: now,
    updatedDate: now,
    lineItems: lines.map((l) => ({ ...structuredClone(l), id: l.id ?? randomUUID() })),
    priceSummary: input.priceSummary?.total
      ? structuredClone(input.priceSummary)
      : priceSummary({
          subtotal: subtotalOf(lines),
          shipping: Number(input.priceSummary?.shipping?.amount ?? 0),
          tax: Number(input.priceSummary?.tax?.amount ?? input.taxInfo?.totalTax?.amount ?? 0),
          discount: Number(input.priceSummary?.discount?.amount ?? 0),
          fees: (input.additionalFees ?? []).reduce(
            (n, f) => n + Number(f.priceBeforeTax?.amount ?? f.price?.amount ?? 0),
            0,
          ),
          taxIncluded: input.taxIncludedInPrices,
        }),
  } as WixOrder;
  return keep(store, order);
}

/** Changes an order as the dashboard or checkout would, bumping updatedDate. */
export function changeOrder(
  store: WixStore,
  id: string,
  patch: Partial<Pick<WixOrder, "status" | "paymentStatus" | "fulfillmentStatus">>,
): WixOrder {
  const order = store.orders.get(id);
  if (!order) throw new Error(`no order ${id}`);
  // Paid by hand in the dashboard: the balance is recorded as an offline payment.
  if (patch.paymentStatus === "PAID") recordPaymentQuietly(store, id, balanceOf(store, order), "offline");
  Object.assign(order, patch, {
    updatedDate: new Date(Math.max(Date.now(), Date.parse(order.updatedDate) + 1)).toISOString(),
  });
  return structuredClone(order);
}

function existing(store: WixStore, id: string): WixOrder {
  const order = store.orders.get(id);
  if (!order) throw new WixError(404, `order ${id} not found`, "ORDER_NOT_FOUND");
  return order;
}

/** Stores a new order and takes its quantities off stock, as a checkout does. */
/**
 * A checkout line of a Catalog V1 product, with the catalog reference a V1 product has: the
 * product id, and in `options` the `variantId` of a managed variant or, without managed variants,
 * the chosen `options` ({option: choice}), per Wix's Catalog V1 "eCommerce Integration" article
 * (CatalogReference.options doc, @wix/auto_sdk_ecom_orders meta.d.ts, points to it).
 */
function v1LineOf(store: WixStore, line: OrderInput["lines"][number]) {
  const found = v1VariantBySku(store, line.sku);
  if (!found) return undefined;
  const { product, variant } = found;
  const data = variantData(product, variant);
  const unit = Number(line.price ?? data.price) - Number(line.lineDiscount ?? 0);
  const managed = variant.id !== DEFAULT_VARIANT_ID;
  return {
    id: randomUUID(),
    productName: { original: line.productName ?? product.name },
    catalogReference: {
      catalogItemId: product.id,
      appId: STORES_APP_ID,
      options: managed ? { variantId: variant.id } : { options: firstChoices(product) },
    },
    quantity: line.quantity,
    price: money(unit),
    totalPriceAfterTax: money(unit * line.quantity),
    physicalProperties: { sku: line.sku },
  };
}

/** What a buyer picks on a product without managed variants: here, each option's first choice. */
function firstChoices(product: {
  productOptions: { name?: string; choices?: { description?: string }[] }[];
}) {
  return Object.fromEntries(
    product.productOptions.map((o) => [o.name as string, o.choices?.[0]?.description as string]),
  );
}

function keep(store: WixStore, order: WixOrder): WixOrder {
  for (const line of order.lineItems) {
    // A V1 product's stock is its inventory item's, by product and variant (tracked only).
    const ref = line.catalogReference;
    const v1Product = ref?.catalogItemId ? store.v1Products.get(ref.catalogItemId) : undefined;
    if (v1Product) {
      const variantId = (ref?.options as { variantId?: string } | undefined)?.variantId ?? DEFAULT_VARIANT_ID;
      decrementV1(store, v1Product.id, variantId, line.quantity);
      continue;
    }
    const sku = line.physicalProperties?.sku;
    const inv = sku ? inventoryForSku(store, sku) : undefined;
    const stored = inv && store.inventory.get(inv.id);
    if (stored) {
      stored.quantity = (stored.quantity ?? 0) - line.quantity;
      stored.revision = String(Number(stored.revision) + 1);
    }
  }
  store.orders.set(order.id, order);
  return structuredClone(order);
}

function subtotalOf(lines: { price: { amount: string }; quantity: number }[]): number {
  return lines.reduce((n, l) => n + Number(l.price.amount) * l.quantity, 0);
}

/**
 * The order's `priceSummary`: the total is subtotal + shipping + additional fees - discount, plus
 * tax unless the prices include it (`taxIncludedInPrices`); fees show as `totalAdditionalFees`.
 */
function priceSummary(p: {
  subtotal: number;
  shipping: number;
  tax: number;
  discount: number;
  fees: number;
  taxIncluded?: boolean;
}): WixOrder["priceSummary"] {
  return {
    subtotal: money(p.subtotal),
    shipping: money(p.shipping),
    tax: money(p.tax),
    discount: money(p.discount),
    ...(p.fees ? { totalAdditionalFees: money(p.fees) } : {}),
    total: money(p.subtotal + p.shipping + p.fees - p.discount + (p.taxIncluded ? 0 : p.tax)),
  };
}
