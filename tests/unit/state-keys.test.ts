import { keys } from "#shared/store/keys";

/** The stored key formats: a change here orphans every item already written (.data, DynamoDB). */
describe("state keys", () => {
  it("keeps the stored formats", () => {
    expect(keys.mapping("SKU-1")).toEqual({ pk: "ITEM#SKU-1", sk: "MAP" });
    expect(keys.product("p1", "v1")).toEqual({ pk: "PRODUCT#p1", sk: "VARIANT#v1" });
    expect(keys.product("p1")).toEqual({ pk: "PRODUCT#p1", sk: "VARIANT#-" });
    expect(keys.price("PR-1")).toEqual({ pk: "PRICE#PR-1", sk: "PRICE" });
    expect(keys.category("Tools")).toEqual({ pk: "CATEGORY#Tools", sk: "CATEGORY" });
    expect(keys.order("o1")).toEqual({ pk: "ORDER#o1", sk: "ORDER" });
    expect(keys.pending("o1")).toEqual({ pk: "PENDING", sk: "o1" });
    expect(keys.customer("h")).toEqual({ pk: "CUSTOMER#h", sk: "CUSTOMER" });
    expect(keys.address("h")).toEqual({ pk: "ADDRESS#h", sk: "ADDRESS" });
    expect(keys.lease("job")).toEqual({ pk: "CLAIM#job", sk: "CLAIM" });
    expect(keys.watermark("items")).toEqual({ pk: "WATERMARK", sk: "items" });
    expect(keys.lastSuccess("orders")).toEqual({ pk: "LAST_SUCCESS", sk: "orders" });
    expect(keys.jobRun("reconcile")).toEqual({ pk: "JOB_RUN", sk: "reconcile" });
    expect(keys.report("weekly", "2025-01-01")).toEqual({ pk: "REPORT", sk: "weekly#2025-01-01" });
    expect(keys.syncLogEntry("orders", "2025-01-02T03:04:05.000Z", "ab12")).toEqual({
      pk: "orders#2025-01-02",
      sk: "2025-01-02T03:04:05.000Z#ab12",
    });
    expect(keys.syncLogPartition("orders", new Date("2025-01-02T23:59:59Z"))).toBe("orders#2025-01-02");
  });
});
