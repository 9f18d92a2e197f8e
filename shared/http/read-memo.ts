import { AsyncLocalStorage } from "node:async_hooks";
import type { HttpRequest } from "./request";

/**
 * One piece of work read once for every site it concerns: inside `withSharedReads`, identical
 * GETs to the same API share one answer. The scope is one batch's run across the sites
 * (shared/runtime/sites.ts), never longer; a write through the same client clears its answers,
 * so only a change made elsewhere during that batch is seen by the next batch instead.
 */
const scope = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/** Each client its own answers (two Wix sites ask the same paths with other credentials). */
const clientIds = new WeakMap<object, number>();
let lastId = 0;
const idOf = (client: object) => {
  let id = clientIds.get(client);
  if (id === undefined) {
    id = ++lastId;
    clientIds.set(client, id);
  }
  return id;
};

export function withSharedReads<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/** The shared answer of this GET inside a fan-out; `read` otherwise (and for every write). */
export function sharedRead<T>(client: object, req: HttpRequest, read: () => Promise<T>): Promise<T> {
  const memo = scope.getStore();
  if (!memo) return read();
  const id = `${idOf(client)} `;
  if (req.method !== "GET") {
    // A write through this client may change what was read: later reads ask again. Also once it
    // is done: a read made while it was under way may hold the value from before it.
    const forget = () => {
      for (const key of memo.keys()) if (key.startsWith(id)) memo.delete(key);
    };
    forget();
    const written = read();
    written.then(forget, forget);
    return written;
  }
  const key = `${id}${req.path} ${JSON.stringify(req.query ?? {})}`;
  let answer = memo.get(key) as Promise<T> | undefined;
  if (!answer) {
    const asked = read();
    memo.set(key, asked);
    // A failed read is not shared: the next site asks again (unless a newer read took its place).
    asked.catch(() => {
      if (memo.get(key) === asked) memo.delete(key);
    });
    answer = asked;
  }
  // Each site its own copy: one site's use-case may change what it was given.
  return answer.then((value) => structuredClone(value));
}
