/**
 * The state table scoped to a site (shared/store/state-table.ts), against the local DynamoDB:
 * two sites' records never meet, the default site's keys are those written before sites existed,
 * and customers (with the leases that keep one buyer one Customer) are shared by every site.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalAws, openDynamo, startLocalAws } from "#infra/local/aws";
import type { ProductMapping } from "#shared/flows/records";
import { documentClient } from "#shared/store/dynamo";
import { StateStore } from "#shared/store/state";
import { tableNamesFromEnv } from "#shared/store/tables";

const table = tableNamesFromEnv({}).state;
let aws: LocalAws;
let db: DynamoDBDocumentClient;
const store = (site?: string) => new StateStore(db, table, { site });

beforeAll(async () => {
  aws = await startLocalAws(openDynamo(undefined), undefined);
  await aws.createTables();
  db = documentClient(
    new DynamoDBClient({
      region: LOCAL_REGION,
      endpoint: aws.dynamoEndpoint,
      credentials: LOCAL_CREDENTIALS,
    }),
  );
});
afterAll(() => aws.close());

const at = new Date().toISOString();
const mapping = (itemCode: string, productId: string): ProductMapping => ({
  itemCode,
  productId,
  createdAt: at,
  updatedAt: at,
});

async function all(state: StateStore): Promise<string[]> {
  const codes: string[] = [];
  for await (const page of state.allMappings(2))
    codes.push(...page.map((m) => `${m.itemCode}:${m.productId}`));
  return codes.sort();
}

describe("state keys per site", () => {
  test("two sites' same keys do not meet", async () => {
    const us = store("us");
    const eu = store("eu");
    await us.putMapping(mapping("SAME-SKU", "us-product"));
    expect(await eu.getMapping("SAME-SKU")).toBeUndefined();
    await eu.putMapping(mapping("SAME-SKU", "eu-product"));
    expect((await us.getMapping("SAME-SKU"))?.productId).toBe("us-product");
    expect((await eu.getMapping("SAME-SKU"))?.productId).toBe("eu-product");
    expect(await us.itemForProduct("eu-product")).toBeUndefined();
    expect(await eu.itemForProduct("eu-product")).toBe("SAME-SKU");
    // Every Wix site numbers its orders from 10001: each claims its own.
    expect(await us.claimOrder("order-1", "10001", 60)).toBe(true);
    expect(await eu.claimOrder("order-1", "10001", 60)).toBe(true);
    expect(await us.claimOrder("order-1", "10001", 60)).toBe(false);
    // A site whose name starts like another's is another site.
    expect(await store("eu-2").getMapping("SAME-SKU")).toBeUndefined();
  });

  test("the default site's keys are those written before sites existed: no migration", async () => {
    // A record as the single-site release wrote it (shared/store/keys.ts formats).
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { pk: "ITEM#OLD-1", sk: "MAP", itemCode: "OLD-1", productId: "old-product" },
      }),
    );
    expect((await store("default").getMapping("OLD-1"))?.productId).toBe("old-product");
    expect((await store().getMapping("OLD-1"))?.productId).toBe("old-product");
    expect(await store("us").getMapping("OLD-1")).toBeUndefined();
    // And what the default site writes lands under the same unprefixed key.
    await store("default").putMapping(mapping("NEW-1", "new-product"));
    const raw = await db.send(new GetCommand({ TableName: table, Key: { pk: "ITEM#NEW-1", sk: "MAP" } }));
    expect(raw.Item?.productId).toBe("new-product");
  });

  test("the mappings scan returns only its own site's rows", async () => {
    await store("scan-a").putMapping(mapping("A-1", "pa1"));
    await store("scan-a").putMapping(mapping("A-2", "pa2"));
    await store("scan-b").putMapping(mapping("B-1", "pb1"));
    expect(await all(store("scan-a"))).toEqual(["A-1:pa1", "A-2:pa2"]);
    expect(await all(store("scan-b"))).toEqual(["B-1:pb1"]);
    const defaults = await all(store("default"));
    expect(defaults).toEqual(expect.arrayContaining(["OLD-1:old-product", "NEW-1:new-product"]));
    expect(defaults.filter((m) => /^(A|B)-/.test(m) || m.startsWith("SAME-SKU"))).toEqual([]);
  });

  test("a mapping read back and written again (a group change, a variant's update) stays under its site's key", async () => {
    // prepare: the EU site's variant mapping (no revision of its own: MappingRepository.putMany's
    // unconditional path), as the products flow reads it before it moves the item to another group
    const eu = store("eu");
    await eu.putMapping({ ...mapping("VAR-1", "eu-template"), variantId: "v1", variantOf: "TPL-1" });
    const read = (await eu.getMapping("VAR-1")) as ProductMapping;
    // act
    await eu.putMapping({ ...read, itemGroup: "Mugs" });
    // assess: the site's own record changed; nothing written under a key prefixed twice
    expect((await eu.getMapping("VAR-1"))?.itemGroup).toBe("Mugs");
    const twice = await db.send(
      new GetCommand({ TableName: table, Key: { pk: "SITE#eu#SITE#eu#ITEM#VAR-1", sk: "MAP" } }),
    );
    expect(twice.Item).toBeUndefined();
  });

  test("customers and addresses are shared: one buyer on two sites is one Customer", async () => {
    await store("us").putCustomer({ key: "buyer@example.com", customer: "CUST-00001" });
    expect((await store("eu").getCustomer("buyer@example.com"))?.customer).toBe("CUST-00001");
    expect((await store("default").getCustomer("buyer@example.com"))?.customer).toBe("CUST-00001");
    await store("eu").putAddress("addr-hash", "ADDR-1");
    expect(await store("us").getAddress("addr-hash")).toBe("ADDR-1");
  });

  test("the lease that makes a buyer's Customer (and Address) once is shared too", async () => {
    // shared/flows/orders/customers.ts and addresses.ts claim `customer:<key>` / `address:<key>`
    // before creating one: two sites' first orders of one new buyer must meet at one lease.
    expect(await store("us").claim("customer:new-buyer@example.com", 60)).toBe(true);
    expect(await store("eu").claim("customer:new-buyer@example.com", 60)).toBe(false);
    expect(await store("eu").claim("address:new-hash", 60)).toBe(true);
    expect(await store("us").claim("address:new-hash", 60)).toBe(false);
    await store("us").release("customer:new-buyer@example.com");
    expect(await store("eu").claim("customer:new-buyer@example.com", 60)).toBe(true);
    // A site's own leases (an order's) stay its own.
    expect(await store("us").claim("billing:order-1", 60)).toBe(true);
    expect(await store("eu").claim("billing:order-1", 60)).toBe(true);
  });
});

describe("the item of a Wix product and variant (an order line without SKU)", () => {
  test("the exact entry, else the product's only one: never another variant's or the template's item", async () => {
    // prepare: a template and two variants; a simple product mapped under its one variant
    const state = store("lookup");
    await state.putMapping(mapping("TEE", "p-tee"));
    await state.putMapping({ ...mapping("TEE-S", "p-tee"), variantId: "v-s" });
    await state.putMapping({ ...mapping("TEE-M", "p-tee"), variantId: "v-m" });
    await state.putMapping({ ...mapping("MUG", "p-mug"), variantId: "v-mug" });
    // act + assess
    expect(await state.itemForProduct("p-tee", "v-m")).toBe("TEE-M");
    expect(await state.itemForProduct("p-tee")).toBe("TEE");
    expect(await state.itemForProduct("p-tee", "v-unknown")).toBeUndefined();
    expect(await state.itemForProduct("p-mug")).toBe("MUG");
    expect(await state.itemForProduct("p-mug", "00000000-0000-0000-0000-000000000000")).toBe("MUG");
  });
});
