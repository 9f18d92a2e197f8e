import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type LocalAws, openDynamo, startLocalAws } from "#infra/local/aws";
import { parkedFor } from "#shared/ops/sites";
import { awsClients } from "#shared/runtime/aws";
import { SyncLog } from "#shared/store/sync-log";

/**
 * Several sites share one sync log table and one set of DLQs: each site's readers (health, the
 * weekly report, redrive) see that site's records only, over the local DynamoDB and SQS.
 */
let aws: LocalAws;
let clients: ReturnType<typeof awsClients>;
beforeAll(async () => {
  aws = await startLocalAws(openDynamo(undefined), undefined);
  await aws.createTables();
  clients = awsClients({
    DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    SQS_ENDPOINT: aws.sqsEndpoint,
    ...aws.queueEnv,
  });
});
afterAll(async () => {
  clients.dynamo.destroy();
  await aws.close();
});

describe("a shared sync log and shared DLQs, read per site", () => {
  test("each site's log reads its own entries; the default site's also those written before sites", async () => {
    // prepare: one entry per site, and one written before there were sites (no site on it)
    const { db, tables } = clients;
    const log = (site?: string) => new SyncLog(db, tables.syncLog, site);
    const at = new Date().toISOString();
    await log().write({ flow: "orders", key: "before", outcome: "failed", at });
    await log("default").write({ flow: "orders", key: "default", outcome: "failed", at });
    await log("us").write({ flow: "orders", key: "us", outcome: "failed", at });
    await log("eu").write({ flow: "orders", key: "eu", outcome: "created", at });
    const since = new Date(Date.now() - 60_000);
    // act
    const keysOf = async (site?: string) => (await log(site).since("orders", since)).map((e) => e.key).sort();
    // assess
    expect(await keysOf("us")).toEqual(["us"]);
    expect(await keysOf("eu")).toEqual(["eu"]);
    expect(await keysOf("default")).toEqual(["before", "default"]);
    expect(await keysOf()).toEqual(["before", "default", "eu", "us"]);
  });

  test("a redrive for one site moves its messages and those naming none; another site's stay parked", async () => {
    // prepare
    const queue = clients.queue;
    for (const [site, code] of [
      ["us", "A"],
      ["eu", "B"],
      [undefined, "C"],
    ] as const)
      await queue.forSite(site).deadLetter("products", JSON.stringify({ kind: "item", code }), "test", {
        as: "retryable",
      });
    // act
    const moved = await queue.redrive("products", undefined, parkedFor("eu"));
    // assess
    expect(moved).toBe(2);
    expect(aws.dlq("products").map((m) => m.body)).toEqual([{ kind: "item", code: "A", site: "us" }]);
  });

  test("two sites looking at one DLQ at once each see every message; a site filter keeps its own", async () => {
    // prepare
    const queue = clients.queue;
    for (const [site, id] of [
      ["us", "S-US"],
      ["eu", "S-EU"],
      [undefined, "S-ALL"],
    ] as const)
      await queue
        .forSite(site)
        .deadLetter("shipments", JSON.stringify({ kind: "note", id }), `refused ${id}`);
    const reasonsOf = (r: { reason: string }[]) => r.map((x) => x.reason).sort();
    // act: side by side, as the jobs run every site's report or audit
    const [us, eu] = await Promise.all([
      queue.forSite("us").dlqReasons("shipments"),
      queue.forSite("eu").dlqReasons("shipments"),
    ]);
    const euOnly = await queue.dlqReasons("shipments", 50, parkedFor("eu"));
    // assess
    expect(reasonsOf(us)).toEqual(["refused S-ALL", "refused S-EU", "refused S-US"]);
    expect(reasonsOf(eu)).toEqual(reasonsOf(us));
    expect(reasonsOf(euOnly)).toEqual(["refused S-ALL", "refused S-EU"]);
  });

  test("the automatic redrive holds the messages of a site that does not answer", async () => {
    const queue = clients.queue;
    await queue.forSite("eu").deadLetter("inventory", JSON.stringify({ kind: "stock", code: "D" }), "down", {
      as: "retryable",
    });
    const counts = await queue.redriveRetryable("inventory", undefined, (site) => site !== "eu");
    expect(counts).toEqual({ moved: 0, gaveUp: 0, kept: 1 });
    expect(aws.dlq("inventory").map((m) => m.body)).toEqual([{ kind: "stock", code: "D", site: "eu" }]);
  });
});
