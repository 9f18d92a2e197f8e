import type {
  InventoryItemOriginal as InventoryItemWire,
  ProductOriginal as InventoryProductWire,
} from "@wix/auto_sdk_stores_inventory-items-v-3/meta";

/** The parts of Wix Catalog V3 and eCommerce shapes this integration reads and writes (CONTRACTS 2). */

export interface Money {
  amount: string;
  formattedAmount?: string;
}

export interface WixChoice {
  optionChoiceNames: { optionName: string; choiceName: string; renderType?: string };
}

export interface WixOption {
  name: string;
  optionRenderType?: string;
  choicesSettings?: { choices: { choiceType?: string; name: string }[] };
}

export interface WixVariant {
  id?: string;
  sku?: string;
  visible?: boolean;
  choices?: WixChoice[];
  price: { actualPrice: Money; compareAtPrice?: Money };
  physicalProperties?: { weight?: number };
  inventoryItem?: { quantity?: number; inStock?: boolean };
}

export interface WixProduct {
  id?: string;
  revision?: string;
  name: string;
  plainDescription?: string;
  visible?: boolean;
  productType?: "PHYSICAL" | "DIGITAL";
  physicalProperties?: Record<string, unknown>;
  brand?: { name: string };
  media?: { itemsInfo: { items: { url?: string; id?: string }[] } };
  handle?: string;
  options?: WixOption[];
  variantsInfo: { variants: WixVariant[] };
  createdDate?: string;
  updatedDate?: string;
}

export interface BulkItemResult<T> {
  itemMetadata: {
    id?: string;
    originalIndex: number;
    success: boolean;
    error?: { code: string; description?: string };
  };
  item?: T;
}

export interface BulkResponse<T> {
  results: BulkItemResult<T>[];
  bulkActionMetadata: { totalSuccesses: number; totalFailures: number; undetailedFailures: number };
}

/**
 * An inventory item as we read it: one variant at one location (the pair is unique, see
 * @wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts `InventoryItem`). Every field is
 * picked from that wire type, so a renamed field fails `tsc`.
 */
export type WixInventoryItem = Required<{ [K in "id" | "revision"]: NonNullable<InventoryItemWire[K]> }> &
  Required<Pick<InventoryItemWire, "productId" | "variantId">> &
  Pick<InventoryItemWire, "quantity" | "inStock" | "trackQuantity"> & {
    locationId?: NonNullable<InventoryItemWire["locationId"]>;
    product?: { [K in "variantSku" | "name"]?: NonNullable<InventoryProductWire[K]> };
  };

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
  catalogReference?: { catalogItemId?: string; appId?: string; options?: { variantId?: string } };
  quantity: number;
  price: Money;
  totalPriceAfterTax?: Money;
  physicalProperties?: { sku?: string; weight?: number };
}

export interface WixOrder {
  id: string;
  number: string;
  createdDate: string;
  updatedDate: string;
  status: string;
  paymentStatus?: string;
  fulfillmentStatus?: string;
  currency: string;
  taxIncludedInPrices?: boolean;
  buyerInfo?: { email?: string; contactId?: string; memberId?: string; visitorId?: string };
  billingInfo?: { address?: WixAddress; contactDetails?: WixContactDetails };
  shippingInfo?: {
    logistics?: { shippingDestination?: { address?: WixAddress; contactDetails?: WixContactDetails } };
  };
  priceSummary: { subtotal?: Money; shipping?: Money; tax?: Money; discount?: Money; total: Money };
  taxInfo?: {
    totalTax?: Money;
    taxBreakdown?: { taxName?: string; rate?: string; aggregatedTaxAmount?: Money }[];
  };
  appliedDiscounts?: unknown[];
  lineItems: WixLineItem[];
}
