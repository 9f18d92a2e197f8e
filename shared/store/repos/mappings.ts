import { mapLimited } from "../../concurrency";
import type { ProductMapping } from "../../flows/records";
import { keys, MAPPING_SK } from "../keys";
import type { StateTable } from "../state-table";

/** Item <-> Wix product mappings, with their reverse indexes (product/variant, Item Price). */
export class MappingRepository {
  constructor(private readonly table: StateTable) {}

  get(itemCode: string): Promise<ProductMapping | undefined> {
    return this.table.get<ProductMapping>(keys.mapping(itemCode));
  }

  async getMany(itemCodes: string[]): Promise<Map<string, ProductMapping>> {
    const rows = await this.table.getMany<ProductMapping>([...new Set(itemCodes)].map(keys.mapping));
    return new Map(rows.map((m) => [m.itemCode, m]));
  }

  /**
   * Writes mappings with their reverse entries (product/variant -> item) and, when given, the
   * Item Price they were priced from (so a thin `on_trash` webhook still finds its item).
   */
  async putMany(rows: { mapping: ProductMapping; priceName?: string }[]): Promise<void> {
    // The mapping itself is written conditionally: a writer holding an older Wix revision (it
    // lost a race) never overwrites what a newer write recorded. Index entries go in batches.
    const versioned = rows.filter(({ mapping }) => mapping.revision !== undefined && !mapping.variantOf);
    await mapLimited(versioned, 16, ({ mapping }) => this.putIfNewer(mapping));
    const items = rows.flatMap(({ mapping, priceName }) => [
      ...(versioned.some((r) => r.mapping === mapping)
        ? []
        : // The key last: a mapping read back holds its stored (site-prefixed) pk, which would be
          // prefixed again (StateTable.putMany).
          [{ ...mapping, ...keys.mapping(mapping.itemCode) }]),
      { ...keys.product(mapping.productId, mapping.variantId), itemCode: mapping.itemCode },
      ...(priceName ? [{ ...keys.price(priceName), itemCode: mapping.itemCode }] : []),
    ]);
    await this.table.putMany(items);
  }

  async updateQuantity(itemCode: string, quantity: number, inventoryItemId: string): Promise<void> {
    await this.table.update(keys.mapping(itemCode), {
      UpdateExpression: "SET quantity = :q, inventoryItemId = :i, updatedAt = :u",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":q": quantity, ":i": inventoryItemId, ":u": new Date().toISOString() },
    });
  }

  /**
   * Item code for a Wix product (and variant), when the SKU is missing on an order line: the
   * exact entry (without a variant id, the product's own "-" entry), else the product's only
   * entry (a simple product). Never another variant's item: a line resolved to the wrong variant
   * would book and hold the wrong stock (shared/flows/line-items.ts).
   */
  async itemForProduct(productId: string, variantId?: string): Promise<string | undefined> {
    const rows = await this.table.partition<{ sk: string; itemCode: string }>(
      keys.productPartition(productId),
    );
    const exact = rows.find((r) => r.sk === keys.productVariantSk(variantId));
    return (exact ?? (rows.length === 1 ? rows[0] : undefined))?.itemCode;
  }

  /** Every item mapped to a Wix product: the product's own and each of its variants'. */
  async itemsForProduct(productId: string): Promise<string[]> {
    const rows = await this.table.partition<{ itemCode: string }>(keys.productPartition(productId));
    return [...new Set(rows.map((r) => r.itemCode))];
  }

  /**
   * Forgets a product Wix deleted: the mappings that still name it and its reverse entries. A
   * mapping the item has since been given to another product (published again) is kept.
   */
  async forgetProduct(productId: string): Promise<string[]> {
    const rows = await this.table.partition<{ sk: string; itemCode: string }>(
      keys.productPartition(productId),
    );
    const forgotten: string[] = [];
    for (const { sk, itemCode } of rows) {
      const named = await this.table.deleteIf(keys.mapping(itemCode), {
        ConditionExpression: "productId = :p",
        ExpressionAttributeValues: { ":p": productId },
      });
      if (named) forgotten.push(itemCode);
      await this.table.delete({ pk: keys.productPartition(productId), sk });
    }
    return forgotten;
  }

  /** Which item an Item Price belongs to (recorded by putMany). */
  async itemForPrice(priceName: string): Promise<string | undefined> {
    return (await this.table.get<{ itemCode: string }>(keys.price(priceName)))?.itemCode;
  }

  /** Every mapping, page by page (reconcile runs every few hours: a filtered scan is fine). */
  all(pageSize = 1000): AsyncGenerator<ProductMapping[]> {
    return this.table.scanBySortKey<ProductMapping>(MAPPING_SK, pageSize);
  }

  private putIfNewer(mapping: ProductMapping): Promise<boolean> {
    const revision = Number(mapping.revision) || 0;
    return this.table.putIf(
      keys.mapping(mapping.itemCode),
      { ...mapping, wixRevision: revision },
      {
        ConditionExpression:
          "attribute_not_exists(pk) OR attribute_not_exists(wixRevision) OR wixRevision <= :rev",
        ExpressionAttributeValues: { ":rev": revision },
      },
    );
  }
}
