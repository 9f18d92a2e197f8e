/** Reading Wix answers: error envelopes, bulk results, refused writes as domain conditions. */
import type {
  BulkActionMetadataOriginal,
  InventoryItemOriginal,
  ItemMetadataOriginal,
} from "@wix/auto_sdk_stores_inventory-items-v-3/meta";
import { HttpError, NotFoundError, RevisionConflictError } from "../errors";
import type { BulkError } from "../flows/wix-bulk";
import type { BulkResponse, WixInventoryItem, WixProduct } from "../flows/wix-catalog";

export const NO_RESULTS: BulkResponse<WixProduct> = {
  results: [],
  bulkActionMetadata: { totalSuccesses: 0, totalFailures: 0, undetailedFailures: 0 },
};

/**
 * A refused product write as the domain condition the flow acts on: 409 (the revision moved) and
 * 404 (the product is gone). The message and details (status, Wix code, request id) stay those
 * of the HTTP error; any other error passes unchanged.
 */
export function productWriteCondition(error: unknown): unknown {
  if (!(error instanceof HttpError)) return error;
  if (error.status === 409) return new RevisionConflictError(error.message, error.details);
  if (error.status === 404) return new NotFoundError(error.message, error.details);
  return error;
}

/** One wire inventory item as ours; an item without id or revision cannot be updated, so is left out. */
export function inventoryItemOf(w: InventoryItemOriginal): WixInventoryItem | undefined {
  if (!w.id || !w.revision || !w.productId || !w.variantId) return undefined;
  return {
    id: w.id,
    revision: w.revision,
    productId: w.productId,
    variantId: w.variantId,
    ...(w.locationId ? { locationId: w.locationId } : {}),
    ...(w.quantity !== undefined ? { quantity: w.quantity } : {}),
    ...(w.inStock !== undefined ? { inStock: w.inStock } : {}),
    ...(w.trackQuantity !== undefined ? { trackQuantity: w.trackQuantity } : {}),
    product: {
      ...(w.product?.variantSku ? { variantSku: w.product.variantSku } : {}),
      ...(w.product?.name ? { name: w.product.name } : {}),
    },
  };
}

export function errorOf(e?: { code?: string; description?: string }): BulkError {
  return { code: e?.code || "UNKNOWN", ...(e?.description ? { description: e.description } : {}) };
}

/** A wire bulk answer (every field optional) as per-item results paired by `originalIndex`. */
export function bulkResponseOf<W, T>(
  body: {
    results?: { itemMetadata?: ItemMetadataOriginal; item?: W }[];
    bulkActionMetadata?: BulkActionMetadataOriginal;
  },
  parse: (w: W) => T | undefined,
): BulkResponse<T> {
  const m = body.bulkActionMetadata;
  return {
    results: (body.results ?? []).map(({ itemMetadata: meta, item }) => {
      const parsed = item === undefined ? undefined : parse(item);
      return {
        itemMetadata: {
          ...(meta?.id ? { id: meta.id } : {}),
          originalIndex: meta?.originalIndex ?? -1,
          success: meta?.success ?? false,
          ...(meta?.success ? {} : { error: errorOf(meta?.error) }),
        },
        ...(parsed === undefined ? {} : { item: parsed }),
      };
    }),
    bulkActionMetadata: {
      totalSuccesses: m?.totalSuccesses ?? 0,
      totalFailures: m?.totalFailures ?? 0,
      undetailedFailures: m?.undetailedFailures ?? 0,
    },
  };
}

/** Wix error envelope: `{message, details: {applicationError | validationError}}` plus x-wix-request-id. */
export function describeWixError(
  status: number,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
) {
  const details: Record<string, unknown> = {};
  const requestId = headers["x-wix-request-id"];
  if (requestId) details.requestId = requestId;
  let message = typeof body === "string" ? body.slice(0, 300) : `HTTP ${status}`;
  if (body && typeof body === "object") {
    const b = body as {
      message?: string;
      details?: {
        applicationError?: { code?: string; description?: string };
        validationError?: { fieldViolations?: { field?: string; description?: string }[] };
      };
    };
    if (b.message) message = b.message;
    const app = b.details?.applicationError;
    if (app?.code) {
      details.code = app.code;
      message = `${app.code}: ${app.description ?? message}`;
    }
    const violations = b.details?.validationError?.fieldViolations;
    if (violations?.length) {
      details.fieldViolations = violations;
      message = `${message} (${violations.map((v) => `${v.field}: ${v.description}`).join("; ")})`;
    }
  }
  if (requestId) message = `${message} [request ${requestId}]`;
  return { message, details };
}
