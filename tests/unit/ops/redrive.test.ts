import { describe, expect, test } from "@jest/globals";
import { HttpError } from "#shared/errors";
import { redriveAnswering } from "#shared/ops/redrive";
import type { SiteFilter } from "#shared/queue/sqs";

/** The DLQs as the job sees them: parked messages by the site their body names (none: every site's). */
class FakeDlqs {
  readonly moved: (string | undefined)[] = [];
  constructor(readonly parked: (string | undefined)[]) {}
  async redriveRetryable(queue: string, _max?: number, only: SiteFilter = () => true) {
    const counts = { moved: 0, gaveUp: 0, kept: 0, held: 0 };
    if (queue !== "products") return counts;
    for (const site of this.parked.splice(0)) {
      if (only(site)) {
        this.moved.push(site);
        counts.moved++;
      } else {
        this.parked.push(site);
        counts.held++;
      }
    }
    return counts;
  }
}

const up = { catalogVersion: async () => "V3_CATALOG" as const };
const down = {
  catalogVersion: async (): Promise<"V3_CATALOG"> => {
    throw new HttpError("Wix: HTTP 503", 503, true);
  },
};
const erpnextUp = { whoAmI: async () => "integration@example.com" };

describe("dlq-redrive per site", () => {
  test("a site still down keeps its messages parked; the others' and ERPNext's news go back", async () => {
    // prepare
    const queue = new FakeDlqs(["us", "eu", undefined, "eu", "gone"]);
    // act
    const result = await redriveAnswering({ erpnext: erpnextUp, sites: { us: up, eu: down }, queue });
    // assess
    expect(queue.moved).toEqual(["us", undefined]);
    expect(queue.parked).toEqual(["eu", "eu", "gone"]);
    expect(result).toMatchObject({
      queues: { products: { moved: 2, held: 3 } },
      waiting: { eu: "Wix: Wix: HTTP 503" },
    });
  });

  test("ERPNext down, or every site's Wix down: nothing moves, and the answer says why", async () => {
    const queue = new FakeDlqs(["us", undefined]);
    const erpnextDown = {
      whoAmI: async (): Promise<string> => {
        throw new HttpError("ERPNext: HTTP 502", 502, true);
      },
    };
    expect(await redriveAnswering({ erpnext: erpnextDown, sites: { us: up }, queue })).toEqual({
      skipped: "waiting for both APIs: ERPNext: ERPNext: HTTP 502",
    });
    expect(await redriveAnswering({ erpnext: erpnextUp, sites: { us: down, eu: down }, queue })).toEqual({
      skipped: "waiting for both APIs: site us: Wix: Wix: HTTP 503; site eu: Wix: Wix: HTTP 503",
    });
    expect(queue.moved).toEqual([]);
  });

  test("one site: as before, Wix down is waiting for both APIs, Wix up moves everything", async () => {
    const queue = new FakeDlqs(["default", undefined]);
    expect(await redriveAnswering({ erpnext: erpnextUp, sites: { default: down }, queue })).toEqual({
      skipped: "waiting for both APIs: Wix: Wix: HTTP 503",
    });
    expect(await redriveAnswering({ erpnext: erpnextUp, sites: { default: up }, queue })).toEqual({
      queues: expect.objectContaining({ products: { moved: 2, gaveUp: 0, kept: 0, held: 0 } }),
    });
  });
});
