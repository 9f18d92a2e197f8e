/**
 * Workers per site (shared/runtime/sites.ts) over the real local queues: a message naming its site
 * is that site's, ERPNext's site-less news is every site's, and a failure on some sites only is
 * retried there alone. The cores are built from the environment with two sites (SITES).
 */

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { type JobRunner, runScheduledJob } from "#functions/jobs";
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalAws, openDynamo, startLocalAws } from "#infra/local/aws";
import type { QueueName } from "#shared/flows/registry";
import { getCore, resetCore } from "#shared/runtime/core";
import { runPerSite } from "#shared/runtime/sites";
import { documentClient } from "#shared/store/dynamo";
import { StateStore } from "#shared/store/state";
import { tableNamesFromEnv } from "#shared/store/tables";

let aws: LocalAws;
let sqs: SQSClient;

const SITES = [
  { name: "us", WIX_INSTANCE_ID: "instance-us" },
  { name: "eu", WIX_INSTANCE_ID: "instance-eu", ERPNEXT_PRICE_LIST: "EU" },
];

beforeAll(async () => {
  aws = await startLocalAws(openDynamo(undefined), undefined);
  await aws.createTables();
  Object.assign(process.env, {
    ...aws.queueEnv,
    SQS_ENDPOINT: aws.sqsEndpoint,
    DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    ERPNEXT_URL: "http://erp.invalid",
    ERPNEXT_API_KEY: "key",
    ERPNEXT_API_SECRET: "secret-value",
    ERPNEXT_WEBHOOK_SECRET: "webhook-secret",
    WIX_API_KEY: "IST.key",
    WIX_SITE_ID: "site",
    SITES: JSON.stringify(SITES),
    POWERTOOLS_LOG_LEVEL: "SILENT",
  });
  resetCore();
  sqs = new SQSClient({ region: LOCAL_REGION, endpoint: aws.sqsEndpoint, credentials: LOCAL_CREDENTIALS });
});
afterAll(async () => {
  resetCore();
  await aws.close();
});

const record = (messageId: string, body: Record<string, unknown>): SQSRecord =>
  ({
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: "1" },
    messageAttributes: {},
  }) as unknown as SQSRecord;

/** What each site's run was given; it fails the ids listed for its site (or throws). */
function sites(fail: Record<string, string[] | "throw"> = {}) {
  const given: Record<string, string[]> = {};
  const run = async (event: SQSEvent, site: string): Promise<SQSBatchResponse> => {
    given[site] = event.Records.map((r) => r.messageId).sort();
    const failing = fail[site];
    if (failing === "throw") throw new Error(`site ${site} down`);
    return { batchItemFailures: (failing ?? []).map((itemIdentifier) => ({ itemIdentifier })) };
  };
  return { given, run };
}

/** Every message waiting in a work queue, taken out of it. */
async function take(queue: QueueName): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl(queue), MaxNumberOfMessages: 10 }),
    );
    if (!res.Messages?.length) return bodies;
    for (const m of res.Messages) {
      bodies.push(JSON.parse(m.Body ?? ""));
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: aws.queueUrl(queue), ReceiptHandle: m.ReceiptHandle }),
      );
    }
  }
}

const failed = (answer: SQSBatchResponse) => answer.batchItemFailures.map((f) => f.itemIdentifier).sort();

describe("runPerSite", () => {
  test("a site's message goes to that site only; a site-less one to every site", async () => {
    const { given, run } = sites();
    const answer = await runPerSite(
      "products",
      {
        Records: [
          record("us-1", { itemCode: "A", site: "us" }),
          record("eu-1", { itemCode: "A", site: "eu" }),
          record("all-1", { itemCode: "B" }),
        ],
      },
      run,
    );
    expect(failed(answer)).toEqual([]);
    expect(given).toEqual({ us: ["all-1", "us-1"], eu: ["all-1", "eu-1"] });
    expect(await take("products")).toEqual([]);
  });

  test("a site-less message failing on some sites only succeeds, with a copy naming each failing site", async () => {
    const { run } = sites({ eu: ["all-1", "eu-1"] });
    const answer = await runPerSite(
      "inventory",
      {
        Records: [
          record("all-1", { itemCodes: ["A"] }),
          record("eu-1", { itemCodes: ["B"], site: "eu" }),
          record("us-1", { itemCodes: ["C"], site: "us" }),
        ],
      },
      run,
    );
    // The site's own message fails as usual; the shared one is retried on eu alone.
    expect(failed(answer)).toEqual(["eu-1"]);
    expect(await take("inventory")).toEqual([{ itemCodes: ["A"], site: "eu" }]);
  });

  test("a site-less message failing on every site fails (retried everywhere), no copies", async () => {
    const { run } = sites({ us: ["all-1"], eu: ["all-1"] });
    const answer = await runPerSite("products", { Records: [record("all-1", { itemCode: "A" })] }, run);
    expect(failed(answer)).toEqual(["all-1"]);
    expect(await take("products")).toEqual([]);
  });

  test("a message of a site not configured is parked with the reason, run nowhere", async () => {
    const { given, run } = sites();
    const answer = await runPerSite(
      "billing",
      {
        Records: [
          record("gone-1", { orderId: "o-1", site: "gone" }),
          record("us-1", { orderId: "o-2", site: "us" }),
        ],
      },
      run,
    );
    expect(failed(answer)).toEqual([]);
    expect(given).toEqual({ us: ["us-1"] });
    expect(aws.dlq("billing")).toEqual([
      expect.objectContaining({
        body: { orderId: "o-1", site: "gone" },
        reason: 'site "gone" is not configured (sites: us, eu)',
        parkedAs: "permanent",
      }),
    ]);
  });

  test("a site whose whole run throws fails only its own work; the other site's is done", async () => {
    const { given, run } = sites({ us: "throw" });
    const answer = await runPerSite(
      "shipments",
      {
        Records: [
          record("us-1", { deliveryNote: "DN-1", site: "us" }),
          record("eu-1", { deliveryNote: "DN-2", site: "eu" }),
          record("all-1", { deliveryNote: "DN-3" }),
        ],
      },
      run,
    );
    expect(given.eu).toEqual(["all-1", "eu-1"]);
    expect(failed(answer)).toEqual(["us-1"]);
    expect(await take("shipments")).toEqual([{ deliveryNote: "DN-3", site: "us" }]);
  });
});

describe("jobs per site", () => {
  /** A runner that records where it ran and fails on the sites named. */
  function runner(failOn: string[] = []) {
    const ran: { job: string; site: string; queueSite?: string }[] = [];
    const run: JobRunner = async (job, ctx) => {
      ran.push({ job, site: ctx.site, queueSite: ctx.queue.site });
      if (failOn.includes(ctx.site)) throw new Error(`Wix refused ${ctx.site}'s key`);
      return { polled: ctx.site };
    };
    return { ran, run };
  }

  test("a per-site job runs for every site, each result its own", async () => {
    const { ran, run } = runner();
    expect(await runScheduledJob({ job: "order-poll" }, run)).toEqual({
      job: "order-poll",
      sites: { us: { polled: "us" }, eu: { polled: "eu" } },
    });
    expect(ran.map((r) => [r.site, r.queueSite])).toEqual([
      ["us", "us"],
      ["eu", "eu"],
    ]);
  });

  test("one site's failure does not stop the other's run; each site's health records its own", async () => {
    const { ran, run } = runner(["us"]);
    await expect(runScheduledJob({ job: "weekly-report" }, run)).rejects.toThrow(
      "job weekly-report failed on us",
    );
    expect(ran.map((r) => r.site)).toEqual(["us", "eu"]);
    const us = (await (await getCore("us")).state.jobRuns())["weekly-report"];
    const eu = (await (await getCore("eu")).state.jobRuns())["weekly-report"];
    expect(us).toMatchObject({ ok: false, error: "Wix refused us's key" });
    expect(eu).toMatchObject({ ok: true });
  });

  test("sites run side by side: a slow site does not hold back another's run", async () => {
    let euRan = false;
    let euRanBeforeUsEnded = false;
    await runScheduledJob({ job: "order-poll" }, async (_job, ctx) => {
      if (ctx.site === "eu") euRan = true;
      else {
        // us is slow (a Wix rate limit, retries): eu's run does not wait for it.
        for (let i = 0; i < 50 && !euRan; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        euRanBeforeUsEnded = euRan;
      }
      return {};
    });
    expect(euRanBeforeUsEnded).toBe(true);
  });

  test('{"site": "eu"} runs that site only; an unknown site is refused', async () => {
    const { ran, run } = runner();
    expect(await runScheduledJob({ job: "order-poll", site: "eu" }, run)).toEqual({
      job: "order-poll",
      sites: { eu: { polled: "eu" } },
    });
    await expect(runScheduledJob({ job: "order-poll", site: "mars" }, run)).rejects.toThrow(
      'unknown site "mars" (sites: us, eu)',
    );
    expect(ran.map((r) => r.site)).toEqual(["eu"]);
  });

  test("a once job runs one time, its messages naming no site (every site's worker takes them), its run in every site's health", async () => {
    const ran: string[] = [];
    await runScheduledJob({ job: "product-catchup" }, async (_job, ctx) => {
      ran.push(ctx.site);
      await ctx.queue.send("products", [{ itemCode: "A", doctype: "Item" } as never]);
      return {};
    });
    expect(ran).toHaveLength(1);
    expect(await take("products")).toEqual([{ itemCode: "A", doctype: "Item" }]);
    // Its run concerns every site: each site's health shows it.
    for (const site of ["us", "eu"])
      expect((await (await getCore(site)).state.jobRuns())["product-catchup"]).toMatchObject({ ok: true });
  });

  test("a once job's state is no site's: listing another site first keeps its watermark", async () => {
    const catchup: JobRunner = async (_job, ctx) => {
      const since = await ctx.state.getWatermark("items");
      await ctx.state.advanceWatermark("items", "2026-12-01 10:00:00.000000");
      return { since: since ?? null };
    };
    // What the single-site release left (the default site's keys) is where it carries on.
    await new StateStore(
      documentClient(
        new DynamoDBClient({
          region: LOCAL_REGION,
          endpoint: aws.dynamoEndpoint,
          credentials: LOCAL_CREDENTIALS,
        }),
      ),
      tableNamesFromEnv({}).state,
    ).advanceWatermark("items", "2026-11-30 09:00:00.000000");
    expect(await runScheduledJob({ job: "product-catchup" }, catchup)).toEqual({
      job: "product-catchup",
      since: "2026-11-30 09:00:00.000000",
    });
    process.env.SITES = JSON.stringify([...SITES].reverse());
    resetCore();
    try {
      expect(await runScheduledJob({ job: "product-catchup" }, catchup)).toEqual({
        job: "product-catchup",
        since: "2026-12-01 10:00:00.000000",
      });
    } finally {
      process.env.SITES = JSON.stringify(SITES);
      resetCore();
    }
  });
});

describe("dlq-redrive with several sites", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // ERPNext answers; Wix answers for eu and is down for us (shared/ops/health-checks.ts probes).
    server = createServer((req, res) => {
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/api/method/frappe.auth.get_logged_user")
        return answer(200, { message: "api@example.com" });
      if (req.url === "/eu/stores/v3/provision/version") return answer(200, { catalogVersion: "V3_CATALOG" });
      return answer(503, { message: "down" });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("each site's parked messages go back once its Wix answers: one site's outage holds back no other's", async () => {
    Object.assign(process.env, {
      ERPNEXT_URL: url,
      SITES: JSON.stringify([
        { name: "us", WIX_INSTANCE_ID: "instance-us", WIX_API_URL: `${url}/us` },
        { name: "eu", WIX_INSTANCE_ID: "instance-eu", WIX_API_URL: `${url}/eu` },
      ]),
    });
    resetCore();
    try {
      const us = (await getCore("us")).queue;
      await us.deadLetter("refunds", JSON.stringify({ orderId: "o-us" }), "outage", { as: "retryable" });
      await (await getCore("eu")).queue.deadLetter("refunds", JSON.stringify({ orderId: "o-eu" }), "outage", {
        as: "retryable",
      });
      // A message naming no site waits until every site can take it.
      await us.forSite(undefined).deadLetter("refunds", JSON.stringify({ orderId: "o-all" }), "outage", {
        as: "retryable",
      });
      const result = await runScheduledJob({ job: "dlq-redrive" });
      expect(await take("refunds")).toEqual([{ orderId: "o-eu", site: "eu" }]);
      expect(aws.dlq("refunds").map((m) => m.body)).toEqual(
        expect.arrayContaining([{ orderId: "o-us", site: "us" }, { orderId: "o-all" }]),
      );
      expect(result).toMatchObject({
        job: "dlq-redrive",
        queues: { refunds: { moved: 1, gaveUp: 0, kept: 2 } },
        waiting: { us: expect.stringContaining("Wix") },
      });
    } finally {
      process.env.ERPNEXT_URL = "http://erp.invalid";
      process.env.SITES = JSON.stringify(SITES);
      resetCore();
    }
  });
});
