import { describe, expect, test } from "@jest/globals";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { PermanentError, RetryableError } from "#shared/errors";
import type { QueueName } from "#shared/flows/registry";
import { MAX_RECEIVE_COUNT } from "#shared/queue/policy";
import type { ParkOptions } from "#shared/queue/sqs";
import { runCoalesced, runPerRecord, type WorkerPorts } from "#shared/runtime/worker";
import type { SyncLogEntry } from "#shared/store/sync-log";

function parseOrText(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** In-memory fakes of the ports the runtime writes to. */
function fakePorts() {
  const parked: { queue: QueueName; body: unknown; reason: string; options?: ParkOptions }[] = [];
  const delayed: { queue: QueueName; receiptHandle: string; receiveCount: number }[] = [];
  const log: SyncLogEntry[] = [];
  const heartbeats: string[] = [];
  const metrics: Record<string, number> = {};
  let refuseParking = false;
  const ports: WorkerPorts = {
    queue: {
      async deadLetter(queue, body, reason, options) {
        if (refuseParking) throw new Error("SQS is down");
        parked.push({ queue, body: parseOrText(body), reason, options });
      },
      async delayRetry(queue, receiptHandle, receiveCount) {
        delayed.push({ queue, receiptHandle, receiveCount });
      },
    },
    log: {
      async writeAll(entries) {
        log.push(...entries);
      },
    },
    state: {
      async markSuccess(flow) {
        heartbeats.push(flow);
      },
    },
    metrics: {
      addMetric(name, _unit, value) {
        metrics[name] = (metrics[name] ?? 0) + value;
      },
    },
  };
  return {
    ports,
    parked,
    delayed,
    log,
    heartbeats,
    metrics,
    refuseParking: () => {
      refuseParking = true;
    },
  };
}

let next = 0;
function record(body: unknown, receiveCount = 1): SQSRecord {
  const id = `m${++next}`;
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: "0",
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:local:0:test",
    awsRegion: "local",
  };
}

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const failedIds = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();
const items = (...itemCodes: string[]) => ({ kind: "items", itemCodes, source: "test" });
const order = (orderId: string, sequence?: number) => ({ kind: "order", orderId, source: "test", sequence });
const stock = (...itemCodes: string[]) => ({ kind: "stock", itemCodes, source: "test" });

/** Lets every pending promise callback run (no timers involved). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("per-record runner (products, orders)", () => {
  test("partial batch failure: only the retryable record is reported; the others do not wait for it", async () => {
    const fake = fakePorts();
    const ok = record(items("OK"));
    const flaky = record(items("FLAKY"), 2);
    const bad = record(items("BAD"));
    const response = await runPerRecord("products", event(ok, flaky, bad), fake.ports, {
      handle: async (message, rec) => {
        const code = message.itemCodes[0];
        if (code === "FLAKY") throw new RetryableError("Wix answered 503");
        if (code === "BAD") throw new PermanentError("no such item");
        rec.outcome("created", `product created: ${code}`);
        return undefined;
      },
      failedKeys: (message) => message.itemCodes,
    });
    expect(failedIds(response)).toEqual([flaky.messageId]);
    expect(fake.delayed).toEqual([
      { queue: "products", receiptHandle: flaky.receiptHandle, receiveCount: 2 },
    ]);
    expect(fake.parked).toEqual([
      {
        queue: "products",
        body: items("BAD"),
        reason: "no such item",
        options: { as: "permanent", autoRedrives: 0 },
      },
    ]);
    // Work that failed as a whole is in the sync log with its reason, retried or parked.
    expect(fake.log.map((e) => [e.key, e.outcome, e.reason])).toEqual([
      ["FLAKY", "failed", "Wix answered 503"],
      ["BAD", "failed", "no such item"],
    ]);
    expect(fake.metrics).toEqual({ products_created: 1, productsRetried: 1, productsParked: 1 });
    expect(fake.heartbeats).toEqual(["products"]);
  });

  test("an invalid message is parked permanent with the validation reason and never reaches the use-case", async () => {
    const fake = fakePorts();
    const handled: string[] = [];
    const invalid = record({ kind: "items", itemCodes: [], source: "test" });
    const notJson = record("{not json");
    const valid = record(items("A"));
    const response = await runPerRecord("products", event(invalid, notJson, valid), fake.ports, {
      handle: async (message) => {
        handled.push(...message.itemCodes);
        return undefined;
      },
      failedKeys: (message) => message.itemCodes,
    });
    expect(failedIds(response)).toEqual([]);
    expect(handled).toEqual(["A"]);
    expect(fake.parked.map((p) => p.body)).toEqual([
      { kind: "items", itemCodes: [], source: "test" },
      "{not json",
    ]);
    for (const p of fake.parked) {
      expect(p.reason).toMatch(/^invalid message: /);
      expect(p.options?.as).toBe("permanent");
    }
    expect(fake.parked[0]?.reason).toContain("names no item");
    expect(fake.log).toEqual([]);
  });

  test("a retryable failure on the last receive is parked as retryable, not retried", async () => {
    const fake = fakePorts();
    const last = record(order("O-1"), MAX_RECEIVE_COUNT);
    const redriven = record(order("O-2"), MAX_RECEIVE_COUNT);
    redriven.messageAttributes = { autoRedrives: { stringValue: "3", dataType: "Number" } };
    const response = await runPerRecord("orders", event(last, redriven), fake.ports, {
      handle: async () => {
        throw new RetryableError("ERPNext is down");
      },
      failedKeys: (message) => [message.orderId],
    });
    expect(failedIds(response)).toEqual([]);
    expect(fake.delayed).toEqual([]);
    expect(fake.parked.map((p) => [p.body, p.reason, p.options])).toEqual([
      [order("O-1"), "out of retries: ERPNext is down", { as: "retryable", autoRedrives: 0 }],
      [order("O-2"), "out of retries: ERPNext is down", { as: "retryable", autoRedrives: 3 }],
    ]);
    expect(fake.heartbeats).toEqual([]);
  });

  test("unknown errors are retried; a record that cannot be parked is reported so SQS delivers it again", async () => {
    const fake = fakePorts();
    fake.refuseParking();
    const bug = record(order("O-1"));
    const bad = record(order("O-2"));
    const invalid = record({ kind: "order" });
    const response = await runPerRecord("orders", event(bug, bad, invalid), fake.ports, {
      handle: async (message) => {
        if (message.orderId === "O-1") throw new TypeError("x is undefined");
        throw new PermanentError("unknown SKU");
      },
      failedKeys: (message) => [message.orderId],
    });
    expect(failedIds(response)).toEqual([bug.messageId, bad.messageId, invalid.messageId].sort());
    expect(fake.delayed.map((d) => d.receiptHandle)).toEqual([bug.receiptHandle]);
  });

  test("every record failing is still a partial response, not a thrown batch", async () => {
    const fake = fakePorts();
    const a = record(items("A"));
    const b = record(items("B"));
    const response = await runPerRecord("products", event(a, b), fake.ports, {
      handle: async () => {
        throw new RetryableError("Wix rate limit");
      },
      failedKeys: (message) => message.itemCodes,
    });
    expect(failedIds(response)).toEqual([a.messageId, b.messageId].sort());
  });

  test("leftovers: a part to retry reports the record; a part to park is parked as its own message", async () => {
    const fake = fakePorts();
    const retry = record(items("A", "B"));
    const park = record(items("C", "D"));
    const response = await runPerRecord("products", event(retry, park), fake.ports, {
      handle: async (message, rec) => {
        rec.outcome("updated", "one done");
        if (message.itemCodes[0] === "A") return { retry: "B: Wix answered 503" };
        return { park: { ...message, itemCodes: ["D"] }, reason: "D: price missing" };
      },
      failedKeys: (message) => message.itemCodes,
    });
    expect(failedIds(response)).toEqual([retry.messageId]);
    expect(fake.delayed.map((d) => d.receiptHandle)).toEqual([retry.receiptHandle]);
    expect(fake.parked).toEqual([{ queue: "products", body: items("D"), reason: "D: price missing" }]);
    // The use-case logged its own items; the runtime adds no failed entries for a leftover.
    expect(fake.log).toEqual([]);
    expect(fake.heartbeats).toEqual(["products"]);
  });

  test("a leftover that cannot be parked fails the record as a whole", async () => {
    const fake = fakePorts();
    fake.refuseParking();
    const r = record(items("C", "D"));
    const response = await runPerRecord("products", event(r), fake.ports, {
      handle: async (message) => ({ park: { ...message, itemCodes: ["D"] }, reason: "D: price missing" }),
      failedKeys: (message) => message.itemCodes,
    });
    expect(failedIds(response)).toEqual([r.messageId]);
    expect(fake.log.map((e) => e.key)).toEqual(["C", "D"]);
  });

  test("lanes: one order's deliveries run oldest first, one after another; different orders side by side", async () => {
    const fake = fakePorts();
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const name = (m: { orderId: string; sequence?: number }) => `${m.orderId}#${m.sequence}`;
    const run = runPerRecord(
      "orders",
      event(record(order("A", 3)), record(order("B", 1)), record(order("A", 1)), record(order("A", 2))),
      fake.ports,
      {
        handle: (message, rec) =>
          new Promise((resolve) => {
            started.push(name(message));
            gates.set(name(message), () => {
              rec.outcome("created", name(message));
              resolve(undefined);
            });
          }),
        failedKeys: (message) => [message.orderId],
        lane: (message) => ({ key: message.orderId, order: message.sequence ?? 0 }),
      },
    );
    await settle();
    // B does not wait for A; A's later events wait for its first.
    expect(started.sort()).toEqual(["A#1", "B#1"]);
    gates.get("A#1")?.();
    await settle();
    expect(started).toContain("A#2");
    expect(started).not.toContain("A#3");
    gates.get("A#2")?.();
    await settle();
    expect(started).toContain("A#3");
    gates.get("A#3")?.();
    gates.get("B#1")?.();
    expect(failedIds(await run)).toEqual([]);
    expect(started.filter((s) => s.startsWith("A"))).toEqual(["A#1", "A#2", "A#3"]);
  });

  test("a failure in a lane does not hold back the rest of the lane", async () => {
    const fake = fakePorts();
    const seen: number[] = [];
    const first = record(order("A", 1));
    const response = await runPerRecord("orders", event(record(order("A", 2)), first), fake.ports, {
      handle: async (message) => {
        seen.push(message.sequence ?? 0);
        if (message.sequence === 1) throw new RetryableError("ERPNext timed out");
        return undefined;
      },
      failedKeys: (message) => [message.orderId],
      lane: (message) => ({ key: message.orderId, order: message.sequence ?? 0 }),
    });
    expect(seen).toEqual([1, 2]);
    expect(failedIds(response)).toEqual([first.messageId]);
  });
});

describe("outcome recorder", () => {
  test("counts <flow>_<outcome>; a batch of only failures or replays beats no heartbeat", async () => {
    const fake = fakePorts();
    await runPerRecord("orders", event(record(order("A")), record(order("B"))), fake.ports, {
      handle: async (message, rec) => {
        rec.outcome(message.orderId === "A" ? "replayed" : "failed", message.orderId);
        return undefined;
      },
      failedKeys: (message) => [message.orderId],
    });
    expect(fake.metrics).toEqual({ orders_replayed: 1, orders_failed: 1 });
    expect(fake.heartbeats).toEqual([]);
  });

  test("one heartbeat per batch, however many outcomes", async () => {
    const fake = fakePorts();
    await runPerRecord("orders", event(record(order("A")), record(order("B"))), fake.ports, {
      handle: async (_message, rec) => {
        rec.outcome("created", "done");
        return undefined;
      },
      failedKeys: (message) => [message.orderId],
    });
    expect(fake.metrics).toEqual({ orders_created: 2 });
    expect(fake.heartbeats).toEqual(["orders"]);
  });

  test("a heartbeat that cannot be written does not fail work that is done", async () => {
    const fake = fakePorts();
    fake.ports.state.markSuccess = async () => {
      throw new Error("DynamoDB throttled");
    };
    const response = await runPerRecord("orders", event(record(order("A"))), fake.ports, {
      handle: async (_message, rec) => {
        rec.outcome("created", "done");
        return undefined;
      },
      failedKeys: (message) => [message.orderId],
    });
    expect(failedIds(response)).toEqual([]);
  });
});

describe("coalescing runner (inventory)", () => {
  test("the whole batch becomes one run; invalid messages are parked and left out", async () => {
    const fake = fakePorts();
    const runs: string[][] = [];
    const invalid = record({ kind: "stock", itemCodes: [], source: "test" });
    const response = await runCoalesced(
      "inventory",
      event(record(stock("A", "B")), invalid, record(stock("B", "C"))),
      fake.ports,
      async (messages, rec) => {
        runs.push(messages.flatMap((m) => m.itemCodes));
        rec.outcome("pushed", "stock pushed", {}, { count: 3 });
      },
    );
    expect(runs).toEqual([["A", "B", "B", "C"]]);
    expect(failedIds(response)).toEqual([]);
    expect(fake.parked.map((p) => p.reason)).toEqual([
      expect.stringMatching(/^invalid message: .*names no item/),
    ]);
    expect(fake.metrics).toEqual({ inventory_pushed: 3, inventoryParked: 1 });
    expect(fake.heartbeats).toEqual(["inventory"]);
  });

  test("a failed run fails every record retryably, and parks those on their last receive", async () => {
    const fake = fakePorts();
    const early = record(stock("A"), 1);
    const last = record(stock("B"), MAX_RECEIVE_COUNT);
    let runs = 0;
    const response = await runCoalesced("inventory", event(early, last), fake.ports, async () => {
      runs++;
      throw new RetryableError("A: Wix answered 503");
    });
    expect(runs).toBe(1);
    expect(failedIds(response)).toEqual([early.messageId]);
    expect(fake.delayed.map((d) => d.receiptHandle)).toEqual([early.receiptHandle]);
    expect(fake.parked.map((p) => [p.body, p.reason, p.options?.as])).toEqual([
      [stock("B"), "out of retries: A: Wix answered 503", "retryable"],
    ]);
    // The use-case writes its own log entry for a push; the runner adds none.
    expect(fake.log).toEqual([]);
    expect(fake.heartbeats).toEqual([]);
  });

  test("a batch of only invalid messages runs nothing", async () => {
    const fake = fakePorts();
    let runs = 0;
    const response = await runCoalesced("inventory", event(record("[]")), fake.ports, async () => {
      runs++;
    });
    expect(runs).toBe(0);
    expect(failedIds(response)).toEqual([]);
    expect(fake.parked).toHaveLength(1);
  });
});
