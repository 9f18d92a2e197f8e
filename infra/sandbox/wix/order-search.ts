import type { WixOrder } from "#shared/flows/wix-orders";
import { WixError } from "./errors";
import type { WixStore } from "./store";

/**
 * Search Orders as Wix runs it (doc comment and OrderSearchSpec of searchOrders in
 * @wix/auto_sdk_ecom_orders): only the declared fields filter and sort (400 otherwise), sorted
 * by `createdDate` DESC unless told, PENDING and REJECTED orders left out unless the filter
 * names `status`, INITIALIZED never returned; cursor pages carry only the cursor.
 */
export function searchOrders(store: WixStore, body: unknown) {
  const s = ((body as { search?: unknown })?.search ?? {}) as {
    filter?: Record<string, unknown>;
    sort?: { fieldName?: string; order?: string }[];
    cursorPaging?: { limit?: number; cursor?: string };
  };
  const limit = s.cursorPaging?.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new WixError(400, "cursorPaging.limit must be 1..100", undefined, [
      { field: "search.cursorPaging.limit", description: "1..100" },
    ]);
  let { filter, sort } = s;
  let start = 0;
  if (s.cursorPaging?.cursor) {
    if (s.filter || s.sort)
      throw new WixError(400, "send only the cursor when paging", undefined, [
        { field: "search.filter", description: "not allowed with a cursor" },
      ]);
    ({ start, filter, sort } = decodeOrderCursor(s.cursorPaging.cursor));
  }
  checkOrderFilter(filter);
  sort = sort?.length ? sort : [{ fieldName: "createdDate", order: "DESC" }];
  for (const [i, by] of sort.entries()) {
    if (!ORDER_SORTABLE.has(by.fieldName ?? ""))
      throw new WixError(400, `cannot sort by ${by.fieldName}`, undefined, [
        { field: `search.sort[${i}].fieldName`, description: "not a sortable field" },
      ]);
  }
  const namesStatus = namesField(filter, "status");
  const all = [...store.orders.values()]
    .filter((o) => o.status !== "INITIALIZED")
    .filter((o) => namesStatus || (o.status !== "PENDING" && o.status !== "REJECTED"))
    .filter((o) => orderMatches(o, filter))
    .sort((x, y) => {
      for (const by of sort) {
        const c = compare(valueAt(x, by.fieldName as string), valueAt(y, by.fieldName as string));
        if (c) return by.order === "DESC" ? -c : c;
      }
      return 0;
    });
  const page = all.slice(start, start + limit).map((o) => structuredClone(o));
  const hasNext = start + limit < all.length;
  return {
    orders: page,
    metadata: {
      count: page.length,
      cursors: hasNext ? { next: encodeOrderCursor({ start: start + limit, filter, sort }) } : {},
      hasNext,
    },
  };
}

/**
 * Search Orders' filterable fields and their operators, in REST names (OrderSearchSpec of
 * @wix/auto_sdk_ecom_orders: the SDK's `_id`/`_createdDate`/`_updatedDate` are `id`,
 * `createdDate`, `updatedDate` on the wire); `sort` lists the ones declared sortable.
 */
const EQUALITY = ["$eq", "$in", "$ne", "$nin"];
const ANY = ["$eq", "$in", "$ne", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$startsWith", "$isEmpty"];
const ORDER_FILTERS: { fields: string[]; operators: string[]; sort: boolean }[] = [
  {
    fields: [
      "channelInfo.type",
      "fulfillmentStatus",
      "paymentStatus",
      "shippingInfo.region.name",
      "shippingInfo.title",
      "status",
    ],
    operators: EQUALITY,
    sort: true,
  },
  {
    fields: [
      "createdDate",
      "updatedDate",
      "balanceSummary.authorized.amount",
      "balanceSummary.pending.amount",
      "balanceSummary.pendingRefund.amount",
      "billingInfo.contactDetails.firstName",
      "billingInfo.contactDetails.lastName",
      "businessLocation.id",
      "businessLocation.name",
      "buyerInfo.email",
      "number",
      "priceSummary.total.amount",
      "purchasedDate",
      "shippingInfo.logistics.deliveryTime",
      "shippingInfo.logistics.deliveryTimeSlot.from",
      "shippingInfo.logistics.deliveryTimeSlot.to",
      "taxInfo.totalExempt.amount",
      "taxInfo.totalTax.amount",
    ],
    operators: ANY,
    sort: true,
  },
  { fields: ["archived", "imported", "seenByAHuman", "demo"], operators: ANY, sort: false },
  {
    fields: [
      "id",
      "buyerInfo.contactId",
      "buyerInfo.memberId",
      "channelInfo.externalOrderId",
      "checkoutId",
      "createdBy.userId",
      "lineItems.subscriptionInfo.id",
    ],
    operators: EQUALITY,
    sort: false,
  },
  {
    fields: [
      "lineItems.catalogReference.appId",
      "lineItems.catalogReference.catalogItemId",
      "lineItems.locations.id",
      "appliedDiscounts.coupon.id",
    ],
    operators: ["$hasAll", "$hasSome"],
    sort: false,
  },
  {
    fields: ["fulfillmentStatusesAggregate.statuses", "lineItems.productName.original"],
    operators: ["$hasAll", "$hasSome"],
    sort: true,
  },
];
const ORDER_OPERATORS = new Map(ORDER_FILTERS.flatMap((g) => g.fields.map((f) => [f, g.operators])));
const ORDER_SORTABLE = new Set(ORDER_FILTERS.filter((g) => g.sort).flatMap((g) => g.fields));

/** 400 for a field Search Orders does not filter on, or an operator it does not take there. */
function checkOrderFilter(filter: unknown, path = "search.filter"): void {
  if (filter === undefined || filter === null) return;
  if (typeof filter !== "object" || Array.isArray(filter))
    throw new WixError(400, "filter must be an object", undefined, [
      { field: path, description: "an object" },
    ]);
  for (const [key, condition] of Object.entries(filter)) {
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(condition))
        throw new WixError(400, `${key} takes a list`, undefined, [
          { field: `${path}.${key}`, description: "a list" },
        ]);
      for (const [i, c] of condition.entries()) checkOrderFilter(c, `${path}.${key}[${i}]`);
      continue;
    }
    if (key === "$not") {
      checkOrderFilter(condition, `${path}.$not`);
      continue;
    }
    const operators = ORDER_OPERATORS.get(key);
    if (!operators)
      throw new WixError(400, `cannot filter by ${key}`, undefined, [
        { field: `${path}.${key}`, description: "not a filterable field" },
      ]);
    const used =
      condition && typeof condition === "object" && !Array.isArray(condition)
        ? Object.keys(condition)
        : ["$eq"];
    for (const op of used)
      if (!operators.includes(op))
        throw new WixError(400, `operator ${op} is not supported for ${key}`, undefined, [
          { field: `${path}.${key}`, description: `supports ${operators.join(", ")}` },
        ]);
  }
}

/** Whether a filter (at any depth of $and/$or/$not) names this field. */
function namesField(filter: unknown, field: string): boolean {
  if (!filter || typeof filter !== "object") return false;
  if (Array.isArray(filter)) return filter.some((f) => namesField(f, field));
  return Object.entries(filter).some(
    ([key, value]) => key === field || (key.startsWith("$") && namesField(value, field)),
  );
}

/** The values at a dotted path (arrays flattened, as `lineItems.productName.original`). */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split(".")) {
    current = current
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .map((v) => (v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined));
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined);
}

function valueAt(value: unknown, path: string): unknown {
  return valuesAt(value, path)[0];
}

/** Decimal strings (amounts) compare as numbers; ISO dates and names as text. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const decimal = /^-?\d+(\.\d+)?$/;
  const numeric = typeof a === "string" && typeof b === "string" && decimal.test(a) && decimal.test(b);
  const [x, y] = (numeric ? [Number(a), Number(b)] : [a, b]) as [string | number, string | number];
  return x < y ? -1 : x > y ? 1 : 0;
}

function orderMatches(order: WixOrder, filter: Record<string, unknown> | undefined): boolean {
  for (const [key, condition] of Object.entries(filter ?? {})) {
    if (key === "$and" && !(condition as Record<string, unknown>[]).every((c) => orderMatches(order, c)))
      return false;
    if (key === "$or" && !(condition as Record<string, unknown>[]).some((c) => orderMatches(order, c)))
      return false;
    if (key === "$not" && orderMatches(order, condition as Record<string, unknown>)) return false;
    if (key.startsWith("$")) continue;
    const values = valuesAt(order, key);
    const ops =
      condition && typeof condition === "object" && !Array.isArray(condition)
        ? (condition as Record<string, unknown>)
        : { $eq: condition };
    for (const [op, arg] of Object.entries(ops)) {
      const list = Array.isArray(arg) ? arg : [arg];
      const ok =
        op === "$eq"
          ? values.some((v) => compare(v, arg) === 0)
          : op === "$ne"
            ? !values.some((v) => compare(v, arg) === 0)
            : op === "$in" || op === "$hasSome"
              ? values.some((v) => list.some((a) => compare(v, a) === 0))
              : op === "$nin"
                ? !values.some((v) => list.some((a) => compare(v, a) === 0))
                : op === "$hasAll"
                  ? list.every((a) => values.some((v) => compare(v, a) === 0))
                  : op === "$gt"
                    ? values.some((v) => compare(v, arg) > 0)
                    : op === "$gte"
                      ? values.some((v) => compare(v, arg) >= 0)
                      : op === "$lt"
                        ? values.some((v) => compare(v, arg) < 0)
                        : op === "$lte"
                          ? values.some((v) => compare(v, arg) <= 0)
                          : op === "$exists"
                            ? values.length > 0 === Boolean(arg)
                            : op === "$startsWith"
                              ? values.some((v) => String(v).startsWith(String(arg)))
                              : op === "$isEmpty"
                                ? (values.length === 0) === Boolean(arg)
                                : false;
      if (!ok) return false;
    }
  }
  return true;
}

type OrderCursor = {
  start: number;
  filter?: Record<string, unknown>;
  sort?: { fieldName?: string; order?: string }[];
};

function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeOrderCursor(cursor: string): OrderCursor {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString()) as OrderCursor;
    if (Number.isInteger(decoded.start) && decoded.start >= 0) return decoded;
  } catch {
    // falls through to the 400 below
  }
  throw new WixError(400, "invalid cursor", undefined, [
    { field: "search.cursorPaging.cursor", description: "not a cursor this API gave" },
  ]);
}
