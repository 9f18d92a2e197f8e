import type {
  OrderTransactionsOriginal,
  PaymentOriginal,
  RefundOriginal,
} from "@wix/auto_sdk_ecom_order-transactions/meta";
import type { OrderOriginal } from "@wix/auto_sdk_ecom_orders/meta";
import { cursorPages } from "../paging";
import type { Money } from "./wix-catalog";

/**
 * A Wix order and its transactions as the orders, billing, refunds, shipments and inventory flows
 * read them (wire types in build/cjs/meta.d.ts of @wix/auto_sdk_ecom_orders and
 * @wix/auto_sdk_ecom_order-transactions). Flow-level: the Wix adapter implements the flows' ports
 * with them.
 */

/**
 * Orders: our shapes are checked against the official SDK's wire types
 * (@wix/auto_sdk_ecom_orders/meta, `OrderOriginal`): `ConformsTo` below fails `tsc` when a field we
 * read does not exist there, and `_OrderTypesFit` when its type differs. The SDK types dates as
 * `Date`; on the wire they are ISO strings (`Wire` maps them).
 */
type SdkOrder = Wire<OrderOriginal>;
type SdkLineItem = NonNullable<SdkOrder["lineItems"]>[number];

export interface WixAddress {
  country?: string;
  subdivision?: string;
  city?: string;
  postalCode?: string;
  addressLine?: string;
  addressLine2?: string;
}

export interface WixContactDetails {
  firstName?: string;
  lastName?: string;
  phone?: string;
  company?: string;
}

export interface WixLineItem {
  id: string;
  productName?: { original?: string };
  /** `options`: a variant id, or a V1 product's choices (shared/flows/line-items.ts). */
  catalogReference?: {
    catalogItemId?: string;
    appId?: string;
    options?: { variantId?: string; options?: Record<string, string> };
  };
  quantity: number;
  price: Money;
  totalPriceAfterTax?: Money;
  physicalProperties?: { sku?: string; weight?: number };
  /** Units refunded and put back in stock so far (the refunds flow's restock truth). */
  refundQuantity?: number | null;
  restockQuantity?: number | null;
}

/** An additional fee (`order.additionalFees[]`): `priceBeforeTax` is what the fee adds before tax. */
export interface WixAdditionalFee {
  id?: string;
  code?: string;
  name?: string;
  price?: Money;
  priceBeforeTax?: Money;
  priceAfterTax?: Money;
}

export interface WixOrder {
  id: string;
  number: string;
  createdDate: string;
  updatedDate: string;
  status: NonNullable<SdkOrder["status"]>;
  paymentStatus?: SdkOrder["paymentStatus"];
  fulfillmentStatus?: SdkOrder["fulfillmentStatus"];
  currency: string;
  taxIncludedInPrices?: boolean;
  buyerInfo?: { email?: string; contactId?: string; memberId?: string; visitorId?: string };
  billingInfo?: { address?: WixAddress; contactDetails?: WixContactDetails };
  shippingInfo?: {
    logistics?: { shippingDestination?: { address?: WixAddress; contactDetails?: WixContactDetails } };
  };
  /** `totalAdditionalFees`: the fees before tax (their tax is in `tax`). */
  priceSummary: {
    subtotal?: Money;
    shipping?: Money;
    tax?: Money;
    discount?: Money;
    totalAdditionalFees?: Money;
    total: Money;
  };
  taxInfo?: {
    totalTax?: Money;
    taxBreakdown?: { taxName?: string; rate?: string; aggregatedTaxAmount?: Money }[];
  };
  appliedDiscounts?: SdkOrder["appliedDiscounts"];
  additionalFees?: WixAdditionalFee[];
  lineItems: WixLineItem[];
}

/** Wix orders updated since a time, a page at a time (Search Orders, newest `updatedDate` last). */
export interface WixOrderSearch {
  searchOrders(since: string, cursor?: string): Promise<{ orders: WixOrder[]; next?: string }>;
}

/** Every page of orders updated since `since`, oldest first (Search Orders). */
export function orderPages(wix: WixOrderSearch, since: string): AsyncGenerator<WixOrder[]> {
  return cursorPages(async (cursor) => {
    const page = await wix.searchOrders(since, cursor);
    return { items: page.orders, next: page.next };
  });
}

/** Dates travel as ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** Names of fields in `Ours` (at any depth) that the SDK's `Sdk` does not have: must be `never`. */
export type UnknownFields<Ours, Sdk, Path extends string = ""> = Ours extends readonly (infer O)[]
  ? NonNullable<Sdk> extends readonly (infer S)[]
    ? UnknownFields<O, S, Path>
    : Path
  : Ours extends object
    ? {
        [K in keyof Ours & string]-?: K extends keyof NonNullable<Sdk>
          ? UnknownFields<NonNullable<Ours[K]>, NonNullable<NonNullable<Sdk>[K]>, `${Path}.${K}`>
          : `${Path}.${K}`;
      }[keyof Ours & string]
    : never;

type AssertNone<T extends never> = T;
export type _OrderFieldsExist = AssertNone<UnknownFields<WixOrder, SdkOrder>>;
export type _LineFieldsExist = AssertNone<UnknownFields<WixLineItem, SdkLineItem>>;
/** Our order is a valid wire order: each field's type fits the SDK's. */
type FitsSdkOrder<T extends SdkOrder> = T;
export type _OrderTypesFit = FitsSdkOrder<WixOrder>;

/**
 * Order transactions (@wix/auto_sdk_ecom_order-transactions meta.d.ts `OrderTransactions`,
 * `Payment`, `Refund`; dates travel as ISO strings).
 */
export type WixPayment = Wire<PaymentOriginal>;
export type WixRefund = Wire<RefundOriginal>;
export type WixPaymentStatus = NonNullable<WixPayment["status"]>;

/** One order's payments and refunds (`OrderTransactions`, with the lists always present). */
export interface WixOrderTransactions {
  orderId: string;
  payments: WixPayment[];
  refunds: WixRefund[];
}

export type WixOrderTransactionsWire = Wire<OrderTransactionsOriginal>;
