import { beforeEach, describe, expect, test } from "@jest/globals";
import { followAmendments, liveSalesOrder } from "#shared/flows/amendments";
import { FakeErpnext, FakeState } from "./fakes";

/** Cancel and Amend as in Frappe: the amendment `<name>-1` names the cancelled one in amended_from. */
let erpnext: FakeErpnext;
const so = (name: string, docstatus: number, amended_from?: string) =>
  erpnext.seed("Sales Order", { name, docstatus, ...(amended_from ? { amended_from } : {}) });

beforeEach(() => {
  erpnext = new FakeErpnext();
});

describe("liveSalesOrder", () => {
  test("a submitted or draft Sales Order is itself, in one read", async () => {
    so("SO-1", 1);
    so("SO-2", 0);
    expect(await liveSalesOrder(erpnext, "SO-1")).toBe("SO-1");
    expect(await liveSalesOrder(erpnext, "SO-2")).toBe("SO-2");
    expect(erpnext.calls).toEqual(["list Sales Order", "list Sales Order"]);
  });

  test("a cancelled one is followed to its submitted amendment, through cancelled amendments", async () => {
    so("SO-1", 2);
    so("SO-1-1", 2, "SO-1");
    so("SO-1-2", 1, "SO-1-1");
    expect(await liveSalesOrder(erpnext, "SO-1")).toBe("SO-1-2");
    expect(await liveSalesOrder(erpnext, "SO-1-1")).toBe("SO-1-2");
  });

  test("a cancelled one with no amendment, or only a draft one, stays itself", async () => {
    so("SO-1", 2);
    expect(await liveSalesOrder(erpnext, "SO-1")).toBe("SO-1");
    so("SO-1-1", 0, "SO-1");
    expect(await liveSalesOrder(erpnext, "SO-1")).toBe("SO-1");
    // Deleted in ERPNext: nothing to follow.
    expect(await liveSalesOrder(erpnext, "SO-9")).toBe("SO-9");
  });

  test("a loop of hand-edited amended_from ends", async () => {
    so("SO-1", 2, "SO-1-1");
    so("SO-1-1", 2, "SO-1");
    expect(await liveSalesOrder(erpnext, "SO-1")).toBe("SO-1");
  });
});

describe("followAmendments", () => {
  test("moves the order record on to the live amendment, once", async () => {
    const state = new FakeState();
    await state.updateOrder("o1", { salesOrder: "SO-1" });
    const writes: unknown[] = [];
    const counted = {
      updateOrder: async (id: string, patch: { salesOrder: string }) => {
        writes.push(patch);
        await state.updateOrder(id, patch);
      },
    };
    so("SO-1", 2);
    so("SO-1-1", 1, "SO-1");
    expect(await followAmendments({ erpnext, state: counted }, "o1", "SO-1")).toBe("SO-1-1");
    expect((await state.getOrder("o1"))?.salesOrder).toBe("SO-1-1");
    // The next reader starts from the amendment: one read, no write.
    erpnext.calls.length = 0;
    expect(await followAmendments({ erpnext, state: counted }, "o1", "SO-1-1")).toBe("SO-1-1");
    expect(erpnext.calls).toEqual(["list Sales Order"]);
    expect(writes).toEqual([{ salesOrder: "SO-1-1" }]);
  });

  test("a cancelled Sales Order with no amendment leaves the record alone", async () => {
    const state = new FakeState();
    await state.updateOrder("o1", { salesOrder: "SO-1" });
    so("SO-1", 2);
    expect(await followAmendments({ erpnext, state }, "o1", "SO-1")).toBe("SO-1");
    expect((await state.getOrder("o1"))?.salesOrder).toBe("SO-1");
  });
});
