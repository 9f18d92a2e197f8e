import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mapLimited } from "../concurrency";
import { batchGet, batchPut, isConditionFailure } from "./dynamo";

/** What we know about an ERPNext item in Wix. */
export interface ProductMapping {
  itemCode: string;
  productId: string;
  variantId?: string;
  revision?: string;
  /** Hash of the product content last pushed: an equal hash means no API call. */
  hash?: string;
  hidden?: boolean;
  /** For a variant: its template's item code (the Wix product is the template's). */
  variantOf?: string;
  /** The ERPNext item group, and the Wix category it was last filed under (the category job). */
  itemGroup?: string;
  category?: string;

  /** Last quantity pushed to Wix, and the inventory item that holds it. */

  quantity?: number;
  inventoryItemId?: string;
  createdAt: string;
  updatedAt: string;
}

/** Exactly-once bookkeeping for one Wix order. */
export interface OrderRecord {
  orderId: string;
  orderNumber: string;
  state: "claimed" | "created" | "parked";
  salesOrder?: string;
  customer?: string;
  paymentEntry?: string;
  canceled?: boolean;
  cancelNote?: string;
  lastSequence?: number;
  claimedAt: string;
  updatedAt: string;
  /** Epoch ms until which a claim is held; 0 releases it. */
  leaseUntil?: number;
  /** A cancellation met a creation in progress: the creator cancels what it made. */
  cancelRequested?: boolean;
  /** The Wix `updatedDate` the order was parked at: the poll does not park it again until it changes. */
  parkedFor?: string;
}

export interface CustomerRecord {
  key: string;
  customer: string;
}

/** Mappings, order claims, customers and watermarks in one table; all writes single-item. */
export interface JobRun {
  at: string;
  ok: boolean;
  error?: string;
}

export class StateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Every item of one partition, page by page. */
  private async partition<T>(pk: string): Promise<T[]> {
    const items: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk },
          ExclusiveStartKey: start,
        }),
      );
      start = res.LastEvaluatedKey;
      items.push(...((res.Items ?? []) as T[]));
    } while (start);
    return items;
  }

  private async get<T>(pk: string, sk: string): Promise<T | undefined> {
    const res = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }),
    );
    return res.Item as T | undefined;
  }

  async getMapping(itemCode: string): Promise<ProductMapping | undefined> {
    return this.get<ProductMapping>(`ITEM#${itemCode}`, "MAP");
  }

  async getMappings(itemCodes: string[]): Promise<Map<string, ProductMapping>> {
    const keys = [...new Set(itemCodes)].map((code) => ({ pk: `ITEM#${code}`, sk: "MAP" }));
    const rows = await batchGet<ProductMapping>(this.db, this.table, keys);
    return new Map(rows.map((m) => [m.itemCode, m]));
  }

  /** Writes the mapping and its reverse (product/variant -> item) entry. */
  async putMapping(mapping: ProductMapping): Promise<void> {
    await this.putMappings([{ mapping }]);
  }

  /**
   * Writes mappings with their reverse entries (product/variant -> item) and, when given, the
   * Item Price they were priced from (so a thin `on_trash` webhook still finds its item).
   */
  async putMappings(rows: { mapping: ProductMapping; priceName?: string }[]): Promise<void> {
    // The mapping itself is written conditionally: a writer holding an older Wix revision (it
    // lost a race) never overwrites what a newer write recorded. Index entries go in batches.
    const versioned = rows.filter(({ mapping }) => mapping.revision !== undefined && !mapping.variantOf);
    await mapLimited(versioned, 16, ({ mapping }) => this.putIfNewer(mapping));
    const items = rows.flatMap(({ mapping, priceName }) => [
      ...(versioned.some((r) => r.mapping === mapping)
        ? []
        : [{ pk: `ITEM#${mapping.itemCode}`, sk: "MAP", ...mapping }]),
      {
        pk: `PRODUCT#${mapping.productId}`,
        sk: `VARIANT#${mapping.variantId ?? "-"}`,
        itemCode: mapping.itemCode,
      },
      ...(priceName ? [{ pk: `PRICE#${priceName}`, sk: "PRICE", itemCode: mapping.itemCode }] : []),
    ]);
    await batchPut(this.db, this.table, items);
  }

  async updateMappingQuantity(itemCode: string, quantity: number, inventoryItemId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `ITEM#${itemCode}`, sk: "MAP" },
        UpdateExpression: "SET quantity = :q, inventoryItemId = :i, updatedAt = :u",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":q": quantity, ":i": inventoryItemId, ":u": new Date().toISOString() },
      }),
    );
  }

  /** Item code for a Wix product (and variant), when the SKU is missing on an order line. */
  async itemForProduct(productId: string, variantId?: string): Promise<string | undefined> {
    const rows = await this.partition<{ sk: string; itemCode: string }>(`PRODUCT#${productId}`);
    return (rows.find((r) => r.sk === `VARIANT#${variantId}`) ?? rows[0])?.itemCode;
  }

  /** Every mapping, page by page (reconcile runs every few hours: a filtered scan is fine). */
  async *allMappings(pageSize = 1000): AsyncGenerator<ProductMapping[]> {
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: "sk = :map",
          ExpressionAttributeValues: { ":map": "MAP" },
          ExclusiveStartKey: start,
          Limit: pageSize,
        }),
      );
      start = res.LastEvaluatedKey;
      if (res.Items?.length) yield res.Items as ProductMapping[];
    } while (start);
  }

  private async putIfNewer(mapping: ProductMapping): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `ITEM#${mapping.itemCode}`,
            sk: "MAP",
            ...mapping,
            wixRevision: Number(mapping.revision) || 0,
          },
          ConditionExpression:
            "attribute_not_exists(pk) OR attribute_not_exists(wixRevision) OR wixRevision <= :rev",
          ExpressionAttributeValues: { ":rev": Number(mapping.revision) || 0 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Which item an Item Price belongs to (recorded by putMappings). */

  async itemForPrice(priceName: string): Promise<string | undefined> {
    return (await this.get<{ itemCode: string }>(`PRICE#${priceName}`, "PRICE"))?.itemCode;
  }

  // --- watermarks -------------------------------------------------------------------------

  async getWatermark(name: string): Promise<string | undefined> {
    return (await this.get<{ value: string }>("WATERMARK", name))?.value;
  }

  /** Moves a watermark forward only: a late, slower run never moves it back. */
  async advanceWatermark(name: string, value: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: "WATERMARK", sk: name, value, updatedAt: new Date().toISOString() },
          ConditionExpression: "attribute_not_exists(pk) OR #v < :v",
          ExpressionAttributeNames: { "#v": "value" },
          ExpressionAttributeValues: { ":v": value },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async setWatermark(name: string, value: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: "WATERMARK", sk: name, value, updatedAt: new Date().toISOString() },
      }),
    );
  }

  /**
   * Wix quantities of an order we know but ERPNext has not reserved yet (claimed, parked, a draft
   * SO, awaiting approval). The oversell guard subtracts them; they lapse after `days`.
   */
  async holdPending(orderId: string, skus: Record<string, number>, days = 7): Promise<void> {
    const until = Date.now() + days * 86400_000;
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: "PENDING", sk: orderId, skus, until } }),
    );
  }

  async releasePending(orderId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: "PENDING", sk: orderId } }));
  }

  async pendingHolds(now = Date.now()): Promise<{ orderId: string; skus: Record<string, number> }[]> {
    const rows = await this.partition<{ sk: string; skus: Record<string, number>; until: number }>("PENDING");
    return rows.filter((r) => r.until > now).map((r) => ({ orderId: r.sk, skus: r.skus }));
  }

  /** The Wix category id for an item group, once known. */

  async getCategoryId(group: string): Promise<string | undefined> {
    return (await this.get<{ id: string }>(`CATEGORY#${group}`, "CATEGORY"))?.id;
  }

  async putCategoryId(group: string, id: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: `CATEGORY#${group}`, sk: "CATEGORY", id } }),
    );
  }

  /** Keeps a report (the weekly one) next to the state it describes. */

  async saveReport(kind: string, at: string, report: unknown): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: "REPORT", sk: `${kind}#${at}`, report } }),
    );
  }

  // --- flow heartbeats (health) --------------------------------------------------------------

  async markSuccess(flow: string, at = new Date()): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: "LAST_SUCCESS", sk: flow, at: at.toISOString() },
      }),
    );
  }

  async lastSuccesses(): Promise<Record<string, string>> {
    const rows = await this.partition<{ sk: string; at: string }>("LAST_SUCCESS");
    return Object.fromEntries(rows.map((r) => [r.sk, r.at]));
  }

  /** The last run of each scheduled job: a job that keeps failing shows in health. */
  async recordJobRun(job: string, run: JobRun): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { pk: "JOB_RUN", sk: job, ...run } }));
  }

  async jobRuns(): Promise<Record<string, JobRun>> {
    const rows = await this.partition<JobRun & { sk: string }>("JOB_RUN");
    return Object.fromEntries(rows.map(({ sk, at, ok, error }) => [sk, { at, ok, error }]));
  }

  // --- orders ----------------------------------------------------------------------------

  async getOrder(orderId: string): Promise<OrderRecord | undefined> {
    return this.get<OrderRecord>(`ORDER#${orderId}`, "ORDER");
  }

  /** Records of many orders in batches (the order poll), by order id. */
  async getOrders(orderIds: string[]): Promise<Map<string, OrderRecord>> {
    const keys = [...new Set(orderIds)].map((id) => ({ pk: `ORDER#${id}`, sk: "ORDER" }));
    const rows = await batchGet<OrderRecord>(this.db, this.table, keys);
    return new Map(rows.map((r) => [r.orderId, r]));
  }

  /** Claims a Wix order for creation; false when another delivery already holds it. */
  async claimOrder(orderId: string, orderNumber: string, leaseSeconds: number): Promise<boolean> {
    const now = new Date();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `ORDER#${orderId}`,
            sk: "ORDER",
            orderId,
            orderNumber,
            state: "claimed",
            claimedAt: now.toISOString(),
            leaseUntil: now.getTime() + leaseSeconds * 1000,
            updatedAt: now.toISOString(),
          },
          // A stale claim (its holder crashed) may be taken over after the lease; a canceled order
          // is never claimed again, whatever its state (this Put would wipe `canceled`).
          ConditionExpression:
            "attribute_not_exists(pk) OR (attribute_not_exists(canceled) AND ((#s = :claimed AND leaseUntil < :now) OR #s = :parked))",
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: { ":claimed": "claimed", ":parked": "parked", ":now": now.getTime() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Records an order as canceled before any Sales Order was made, in one conditional write: only
   * while no delivery holds a live claim on it (creating it right now) and it has no Sales Order.
   * False when a creation is in progress or done: the caller then cancels what it makes.
   */
  async cancelBeforeCreate(orderId: string, orderNumber: string, parkedFor?: string): Promise<boolean> {
    const now = new Date();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `ORDER#${orderId}`, sk: "ORDER" },
          UpdateExpression:
            "SET orderId = :id, orderNumber = :num, #s = :parked, canceled = :true, cancelNote = :note, leaseUntil = :zero, claimedAt = if_not_exists(claimedAt, :at), updatedAt = :at" +
            (parkedFor ? ", parkedFor = :for" : ""),
          ConditionExpression:
            "attribute_not_exists(salesOrder) AND (attribute_not_exists(pk) OR #s = :parked OR (#s = :claimed AND leaseUntil < :nowMs))",
          ExpressionAttributeNames: { "#s": "state" },
          ExpressionAttributeValues: {
            ":id": orderId,
            ":num": orderNumber,
            ":parked": "parked",
            ":claimed": "claimed",
            ":true": true,
            ":note": "canceled in Wix before it reached ERPNext",
            ":zero": 0,
            ":at": now.toISOString(),
            ":nowMs": now.getTime(),
            ...(parkedFor ? { ":for": parkedFor } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async updateOrder(orderId: string, patch: Partial<OrderRecord>): Promise<void> {
    const entries = Object.entries({ ...patch, updatedAt: new Date().toISOString() }).filter(
      ([, v]) => v !== undefined,
    );
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `ORDER#${orderId}`, sk: "ORDER" },
        UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(", ")}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    );
  }

  /** A short lease on a key (single-item conditional write); false while someone else holds it. */
  async claim(key: string, leaseSeconds: number): Promise<boolean> {
    const now = Date.now();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `CLAIM#${key}`, sk: "CLAIM", leaseUntil: now + leaseSeconds * 1000 },
          ConditionExpression: "attribute_not_exists(pk) OR leaseUntil < :now",
          ExpressionAttributeValues: { ":now": now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(key: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: `CLAIM#${key}`, sk: "CLAIM" } }),
    );
  }

  /** ERPNext Address names by a hash of their content, so an address is created once. */
  async getAddress(key: string): Promise<string | undefined> {
    return (await this.get<{ name: string }>(`ADDRESS#${key}`, "ADDRESS"))?.name;
  }

  async putAddress(key: string, name: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { pk: `ADDRESS#${key}`, sk: "ADDRESS", name } }),
    );
  }

  async getCustomer(key: string): Promise<CustomerRecord | undefined> {
    return this.get<CustomerRecord>(`CUSTOMER#${key}`, "CUSTOMER");
  }

  async putCustomer(record: CustomerRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: `CUSTOMER#${record.key}`, sk: "CUSTOMER", ...record },
      }),
    );
  }
}
