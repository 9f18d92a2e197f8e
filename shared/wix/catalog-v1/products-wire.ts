import type {
  AddProductMediaRequestOriginal,
  ChoiceOriginal,
  CreateProductRequestOriginal,
  CreateProductResponseOriginal,
  DeleteProductRequestOriginal,
  GetProductResponseOriginal,
  MediaDataForWriteOriginal,
  MediaItemOriginal,
  MediaItemUrlAndSizeOriginal,
  PagingOriginal,
  PlatformPagingOriginal,
  PriceDataOriginal,
  ProductOptionOriginal,
  ProductOriginal,
  QueryProductVariantsRequestOriginal,
  QueryProductVariantsResponseOriginal,
  QueryStoreVariantsRequestOriginal,
  QueryStoreVariantsResponseOriginal,
  RemoveProductMediaRequestOriginal,
  StoreVariantOriginal,
  UpdateProductRequestOriginal,
  UpdateProductResponseOriginal,
  UpdateVariantsRequestOriginal,
  UpdateVariantsResponseOriginal,
  VariantDataWithNoStockOriginal,
  VariantOriginal,
  VariantOverrideOriginal,
} from "@wix/auto_sdk_stores_products/meta";
import type { Assert, Conforms } from "../../flows/wix-catalog";

/**
 * The parts of Catalog V1 product shapes we read and write (wire types in
 * @wix/auto_sdk_stores_products build/cjs/meta.d.ts), checked against the SDK at compile time
 * (`WireChecks` below): a field Wix does not declare fails `tsc`.
 */

/** An option and its choices (`ProductOption`, `Choice`): a choice's `description` is what shoppers see. */
export interface V1Option {
  name: string;
  choices: { value: string; description: string }[];
}

/** One variant as Wix answers it (`Variant`): `choices` maps option name to choice. */
export interface V1Variant {
  id?: string;
  choices?: Record<string, string>;
  variant?: {
    priceData?: { price?: number | null };
    weight?: number;
    sku?: string;
    visible?: boolean;
  };
}

/** A product as we write and read it (`Product`). V1 has no revision. */
export interface V1Product {
  id?: string;
  name?: string | null;
  /** Rich text (HTML), at most 8,000 characters. */
  description?: string | null;
  /** Empty once variants are managed (then each variant has its own). */
  sku?: string | null;
  weight?: number | null;
  priceData?: { price?: number | null };
  visible?: boolean | null;
  productType?: "physical";
  /** A plain string on V1 (V3 has a brand entity). */
  brand?: string | null;
  manageVariants?: boolean | null;
  productOptions?: V1Option[];
  /** Read-only: written through Add/Remove Product Media. */
  media?: { items?: { id?: string; image?: { url?: string } }[] };
  variants?: V1Variant[];
}

/** One override of Update Variants: the variants matching `choices` get these values. */
export interface V1VariantOverride {
  choices?: Record<string, string>;
  variantIds?: string[];
  price?: number | null;
  weight?: number | null;
  sku?: string | null;
  visible?: boolean | null;
}

/** Query Store Variants' row: every variant of the store, a product without managed variants as one. */
export interface V1StoreVariant {
  id?: string;
  variantId?: string;
  productId?: string;
  productName?: string;
  managedVariant?: boolean;
  sku?: string;
}

export interface V1Paging {
  limit: number;
  offset: number;
}

/**
 * Compile-time contract: our V1 shapes against the SDK's wire types. `Conforms` sees the fields of
 * one level, so each nested shape has its own line.
 */
export type WireChecks = [
  Assert<Conforms<V1Option["choices"][number], ChoiceOriginal>>,
  Assert<Conforms<V1Option, ProductOptionOriginal>>,
  Assert<Conforms<NonNullable<NonNullable<V1Variant["variant"]>["priceData"]>, PriceDataOriginal>>,
  Assert<
    Conforms<
      NonNullable<NonNullable<NonNullable<V1Product["media"]>["items"]>[number]["image"]>,
      MediaItemUrlAndSizeOriginal
    >
  >,
  Assert<Conforms<V1Paging, PagingOriginal>>,
  Assert<Conforms<V1Paging, PlatformPagingOriginal>>,
  Assert<Conforms<{ url: string }, MediaDataForWriteOriginal>>,
  Assert<Conforms<NonNullable<V1Product["priceData"]>, PriceDataOriginal>>,
  Assert<Conforms<NonNullable<NonNullable<V1Product["media"]>["items"]>[number], MediaItemOriginal>>,
  Assert<Conforms<NonNullable<V1Variant["variant"]>, VariantDataWithNoStockOriginal>>,
  Assert<Conforms<V1Variant, VariantOriginal>>,
  Assert<Conforms<V1Product, ProductOriginal>>,
  Assert<Conforms<V1VariantOverride, VariantOverrideOriginal>>,
  Assert<Conforms<V1StoreVariant, StoreVariantOriginal>>,
  Assert<Conforms<{ product: V1Product }, CreateProductRequestOriginal>>,
  Assert<Conforms<{ product: V1Product }, CreateProductResponseOriginal>>,
  Assert<Conforms<{ product: V1Product & { id: string } }, UpdateProductRequestOriginal>>,
  Assert<Conforms<{ product: V1Product }, UpdateProductResponseOriginal>>,
  Assert<Conforms<{ product: V1Product }, GetProductResponseOriginal>>,
  Assert<Conforms<{ id: string; variants: V1VariantOverride[] }, UpdateVariantsRequestOriginal>>,
  Assert<Conforms<{ variants: V1Variant[] }, UpdateVariantsResponseOriginal>>,
  Assert<Conforms<{ id: string; paging: V1Paging }, QueryProductVariantsRequestOriginal>>,
  Assert<Conforms<{ variants: V1Variant[] }, QueryProductVariantsResponseOriginal>>,
  Assert<Conforms<{ query: { paging: V1Paging } }, QueryStoreVariantsRequestOriginal>>,
  Assert<Conforms<{ variants: V1StoreVariant[] }, QueryStoreVariantsResponseOriginal>>,
  Assert<Conforms<{ id: string; media: { url: string }[] }, AddProductMediaRequestOriginal>>,
  Assert<Conforms<{ id: string; mediaIds: string[] }, RemoveProductMediaRequestOriginal>>,
  Assert<Conforms<{ id: string }, DeleteProductRequestOriginal>>,
];
