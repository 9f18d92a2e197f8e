/**
 * One fan-out's shared reads (shared/http/read-memo.ts): identical GETs of one client made once,
 * never past a write of that client, never across clients, failures and copies never shared.
 */
import { describe, expect, test } from "@jest/globals";
import { sharedRead, withSharedReads } from "#shared/http/read-memo";
import type { HttpRequest } from "#shared/http/request";

const GET: HttpRequest = { method: "GET", path: "/api/resource/Item/A", query: { fields: '["*"]' } };
const PUT: HttpRequest = { method: "PUT", path: "/api/resource/Item/A", body: { disabled: 1 } };

/** A fake server's answers: counts reads, answers the current value. */
function source(initial: unknown) {
  const s = {
    value: initial,
    reads: 0,
    read: async () => {
      s.reads++;
      return { body: s.value };
    },
  };
  return s;
}

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("withSharedReads", () => {
  test("identical GETs of one client are made once inside, every time outside", async () => {
    const client = {};
    const s = source("v1");
    await withSharedReads(async () => {
      const answers = await Promise.all([1, 2, 3].map(() => sharedRead(client, GET, s.read)));
      expect(answers).toEqual([{ body: "v1" }, { body: "v1" }, { body: "v1" }]);
      // Another query is another read.
      await sharedRead(client, { ...GET, query: { fields: '["name"]' } }, s.read);
    });
    expect(s.reads).toBe(2);
    await sharedRead(client, GET, s.read);
    await sharedRead(client, GET, s.read);
    expect(s.reads).toBe(4);
  });

  test("a write by the same client makes later reads ask again; another client's answers are its own", async () => {
    const erpnext = {};
    const wix = {};
    const s = source("old");
    await withSharedReads(async () => {
      await sharedRead(erpnext, GET, s.read);
      await sharedRead(wix, GET, s.read);
      expect(s.reads).toBe(2);
      await sharedRead(wix, PUT, async () => {
        s.value = "new";
      });
      // Wix's write does not touch ERPNext's answers (a stale one here is the test's own doing).
      expect(await sharedRead(erpnext, GET, s.read)).toEqual({ body: "old" });
      expect(await sharedRead(wix, GET, s.read)).toEqual({ body: "new" });
      expect(s.reads).toBe(3);
    });
  });

  test("a read made while a write of the same client is under way is not served after it", async () => {
    const client = {};
    const s = source("old");
    await withSharedReads(async () => {
      const committing = deferred<void>();
      const write = sharedRead(client, PUT, async () => {
        await committing.promise;
        s.value = "new";
      });
      // Another site reads while the write is in flight: it may see the old value...
      expect(await sharedRead(client, GET, s.read)).toEqual({ body: "old" });
      committing.resolve();
      await write;
      // ...but whoever reads after the write sees it.
      expect(await sharedRead(client, GET, s.read)).toEqual({ body: "new" });
    });
  });

  test("a failed read is not shared: the next one asks again", async () => {
    const client = {};
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls === 1) throw new Error("503");
      return { body: "ok" };
    };
    await withSharedReads(async () => {
      await expect(sharedRead(client, GET, flaky)).rejects.toThrow("503");
      expect(await sharedRead(client, GET, flaky)).toEqual({ body: "ok" });
      expect(await sharedRead(client, GET, flaky)).toEqual({ body: "ok" });
    });
    expect(calls).toBe(2);
  });

  test("an older read failing late does not drop the newer answer shared since", async () => {
    const client = {};
    const s = source("v");
    await withSharedReads(async () => {
      const slow = deferred<{ body: unknown }>();
      const first = sharedRead(client, GET, () => slow.promise);
      await sharedRead(client, PUT, async () => undefined);
      await sharedRead(client, GET, s.read);
      slow.reject(new Error("timeout"));
      await expect(first).rejects.toThrow("timeout");
      await sharedRead(client, GET, s.read);
    });
    expect(s.reads).toBe(1);
  });

  test("each caller gets its own copy: one site changing its answer changes no other's", async () => {
    const client = {};
    const s = source({ items: [{ name: "A", qty: 1 }] });
    await withSharedReads(async () => {
      const mine = (await sharedRead(client, GET, s.read)) as { body: { items: { qty: number }[] } };
      (mine.body.items[0] as { qty: number }).qty = 99;
      expect(await sharedRead(client, GET, s.read)).toEqual({ body: { items: [{ name: "A", qty: 1 }] } });
    });
    expect(s.reads).toBe(1);
  });
});
