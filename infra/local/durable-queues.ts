import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";

/**
 * Makes the local host's queues survive a crash (SIGKILL included). fauxqs keeps messages in
 * memory only, so every SQS call of the process goes through this small proxy, which appends each
 * accepted message and each deletion to a journal in DATA_DIR *before* the caller hears "sent" or
 * "deleted". On start the messages still live in the journal are sent again (their receive counts
 * start over: at-least-once, which the idempotent workers absorb). Parked messages keep their
 * reason attributes, so a restarted host still shows and redrives its DLQs.
 *
 * The proxy speaks the AWS JSON 1.0 protocol the SDK uses for SQS (`x-amz-target:
 * AmazonSQS.<Action>`); everything else is forwarded untouched.
 */

interface SentEntry {
  op: "send";
  id: string;
  queue: string;
  body: string;
  attributes?: Record<string, unknown>;
}
type JournalEntry = SentEntry | { op: "delete"; id: string };

/** Journal lines beyond this many times the live messages trigger a rewrite. */
const COMPACT_FACTOR = 4;
const COMPACT_MIN_LINES = 10_000;

export interface DurableQueues {
  /** The endpoint every SQS client of the process should use. */
  endpoint: string;
  /** Sends what the previous run left in the journal to the queue of that name; how many came back. */
  replay(queueUrl: (name: string) => string | undefined): Promise<number>;
  close(): Promise<void>;
}

export async function durableQueues(options: {
  /** The fauxqs endpoint, e.g. http://127.0.0.1:4566. */
  target: string;
  journalFile: string;
}): Promise<DurableQueues> {
  const { journalFile, target } = options;
  // What the previous run left: replayed through the proxy, so it is journaled anew.
  const leftover = existsSync(journalFile) ? liveMessages(readFileSync(journalFile, "utf8")) : [];
  const pendingFile = `${journalFile}.replay`;
  if (existsSync(pendingFile)) leftover.push(...liveMessages(readFileSync(pendingFile, "utf8")));
  if (leftover.length) writeFileSync(pendingFile, leftover.map((m) => JSON.stringify(m)).join("\n"));
  writeFileSync(journalFile, "");

  const live = new Map<string, SentEntry>();
  const handles = new Map<string, string>(); // receipt handle -> message id
  let lines = 0;
  const journal = (entries: JournalEntry[]) => {
    if (!entries.length) return;
    for (const e of entries) {
      if (e.op === "send") live.set(e.id, e);
      else live.delete(e.id);
    }
    lines += entries.length;
    if (lines > COMPACT_MIN_LINES && lines > COMPACT_FACTOR * live.size) {
      // Rewrite with only what is live; rename is atomic, so a crash leaves one whole file.
      writeFileSync(`${journalFile}.tmp`, [...live.values()].map((m) => `${JSON.stringify(m)}\n`).join(""));
      renameSync(`${journalFile}.tmp`, journalFile);
      lines = live.size;
    } else {
      appendFileSync(journalFile, entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
    }
  };

  const server: Server = createServer((req, res) => {
    void forward(req, res).catch((error) => {
      res.writeHead(502, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ __type: "InternalError", message: (error as Error).message }));
    });
  });

  async function forward(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const headers = { ...req.headers };
    delete headers.host;
    delete headers["content-length"];
    const upstream = await request(`${target}${req.url ?? "/"}`, {
      method: (req.method ?? "POST") as "POST",
      headers: headers as Record<string, string>,
      body: raw.length ? raw : undefined,
    });
    const answer = Buffer.from(await upstream.body.arrayBuffer());
    const action = String(req.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
    if (upstream.statusCode === 200 && action)
      journal(entriesFor(action, parse(raw), parse(answer), handles));
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(upstream.headers)) {
      if (v !== undefined && k !== "transfer-encoding" && k !== "connection") out[k] = v;
    }
    res.writeHead(upstream.statusCode, out);
    res.end(answer);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    async replay(queueUrl) {
      if (!existsSync(pendingFile)) return 0;
      const messages = liveMessages(readFileSync(pendingFile, "utf8"));
      for (const m of messages) {
        const res = await request(endpoint, {
          method: "POST",
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "x-amz-target": "AmazonSQS.SendMessage",
          },
          body: JSON.stringify({
            QueueUrl: queueUrl(m.queue) ?? m.queue,
            MessageBody: m.body,
            ...(m.attributes ? { MessageAttributes: m.attributes } : {}),
          }),
        });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`could not restore a message of ${m.queue}`);
      }
      rmSync(pendingFile, { force: true });
      return messages.length;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Journal entries for one answered SQS call (JSON protocol shapes, AWS SQS API reference). */
function entriesFor(
  action: string,
  req: Record<string, unknown>,
  res: Record<string, unknown>,
  handles: Map<string, string>,
): JournalEntry[] {
  const queue = queueName(req.QueueUrl);
  switch (action) {
    case "SendMessage":
      return typeof res.MessageId === "string"
        ? [sent(res.MessageId, queue, req.MessageBody, req.MessageAttributes)]
        : [];
    case "SendMessageBatch": {
      const byId = new Map(
        ((req.Entries as Record<string, unknown>[] | undefined) ?? []).map((e) => [e.Id, e]),
      );
      return ((res.Successful as { Id: string; MessageId: string }[] | undefined) ?? []).flatMap((ok) => {
        const e = byId.get(ok.Id);
        return e ? [sent(ok.MessageId, queue, e.MessageBody, e.MessageAttributes)] : [];
      });
    }
    case "ReceiveMessage":
      for (const m of (res.Messages as { MessageId: string; ReceiptHandle: string }[] | undefined) ?? [])
        handles.set(m.ReceiptHandle, m.MessageId);
      return [];
    case "DeleteMessage":
      return deleted(handles, [req.ReceiptHandle]);
    case "DeleteMessageBatch": {
      const okIds = new Set(((res.Successful as { Id: string }[] | undefined) ?? []).map((s) => s.Id));
      const entries = (req.Entries as { Id: string; ReceiptHandle: string }[] | undefined) ?? [];
      return deleted(
        handles,
        entries.filter((e) => okIds.has(e.Id)).map((e) => e.ReceiptHandle),
      );
    }
    default:
      return [];
  }
}

function sent(id: string, queue: string, body: unknown, attributes: unknown): SentEntry {
  return {
    op: "send",
    id,
    queue,
    body: String(body ?? ""),
    ...(attributes && typeof attributes === "object"
      ? { attributes: attributes as Record<string, unknown> }
      : {}),
  };
}

function deleted(handles: Map<string, string>, receiptHandles: unknown[]): JournalEntry[] {
  return receiptHandles.flatMap((h) => {
    const id = typeof h === "string" ? handles.get(h) : undefined;
    if (!id) return [];
    handles.delete(h as string);
    return [{ op: "delete" as const, id }];
  });
}

function queueName(url: unknown): string {
  return (
    String(url ?? "")
      .split("/")
      .pop() ?? ""
  );
}

function parse(raw: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Messages sent and not deleted, in the order they were sent; a torn last line is skipped. */
function liveMessages(text: string): SentEntry[] {
  const live = new Map<string, SentEntry>();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let e: JournalEntry;
    try {
      e = JSON.parse(line) as JournalEntry;
    } catch {
      continue;
    }
    if (e.op === "send") live.set(e.id, e);
    else live.delete(e.id);
  }
  return [...live.values()];
}
