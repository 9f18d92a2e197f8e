import type { ErpnextDocuments } from "#shared/flows/erpnext-documents";
import type { SkuLookup } from "#shared/flows/line-items";
/**
 * What the inventory flow needs from ERPNext, Wix and our state, and nothing more. The adapters
 * (ErpnextClient, WixClient, StateStore) satisfy these structurally; the unit tests use in-memory
 * fakes. Failures arrive as domain conditions (shared/errors.ts), never as HTTP statuses.
 */
import type { OrderRecord, ProductMapping, SyncLogEntry } from "../records";
import type { BulkResponse, WixInventoryItem } from "../wix-catalog";
import type { WixOrder } from "../wix-orders";

/** ERPNext's stock: Bins (read in full) and Stock Ledger Entries (one by one). */
export type InventoryErpnext = Pick<ErpnextDocuments, "listAll" | "find">;

/** The Wix variant our product mapping names for a SKU (the item code), and its last inventory item id. */
export interface MappedVariant {
  sku: string;
  productId: string;
  variantId: string;
  inventoryItemId?: string;
}

/** Wix inventory items: one per variant and location. */
export interface InventoryWix {
  /**
   * `mapped`: the variants our mappings name for some of these SKUs. Their stock is theirs, not
   * that of whichever product carries the SKU (Catalog V1 lets two products share one).
   */
  inventoryBySku(skus: string[], locationId?: string, mapped?: MappedVariant[]): Promise<WixInventoryItem[]>;
  /** Absolute quantities, revision-guarded; per-item results. */
  bulkUpdateInventory(
    items: { id: string; revision: string; quantity: number }[],
  ): Promise<BulkResponse<WixInventoryItem>>;
  bulkCreateInventory(
    items: { productId: string; variantId: string; quantity: number; locationId?: string }[],
  ): Promise<BulkResponse<WixInventoryItem>>;
}

/** Our product mappings (which Wix variant an item is) and the last quantity pushed. */
export interface InventoryState {
  getMappings(itemCodes: string[]): Promise<Map<string, ProductMapping>>;
  /** Every item mapped to a Wix product (its variants' too). */
  itemsForProduct(productId: string): Promise<string[]>;
  /** Mappings re-linked after Wix converted the site to Catalog V3 (catalog-version.ts). */
  putMappings(rows: { mapping: ProductMapping }[]): Promise<void>;
  updateMappingQuantity(itemCode: string, quantity: number, inventoryItemId: string): Promise<void>;
}

export interface InventoryLog {
  write(entry: SyncLogEntry): Promise<void>;
}

/** The oversell guard reads recent Wix orders, our order records and the stock holds orders left. */
export interface OversellGuardDeps {
  wix: { searchOrders(since: string, cursor?: string): Promise<{ orders: WixOrder[]; next?: string }> };
  state: SkuLookup & {
    getWatermark(name: string): Promise<string | undefined>;
    getOrder(orderId: string): Promise<OrderRecord | undefined>;
    pendingHolds(now?: number): Promise<{ orderId: string; skus: Record<string, number> }[]>;
  };
  /** Orders are submitted on creation: a created order is reserved in ERPNext's Bins. */
  submit: boolean;
}
