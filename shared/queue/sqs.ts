import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { scrub } from "../http/redact";
import { type RetryPolicy, retry } from "../resilience/retry";
import type { Enqueuer, QueueMessages } from "./messages";
import { AUTO_REDRIVE_LIMIT, DEFAULT_RETRY_BASE_SECONDS, type ParkedAs, retryDelaySeconds } from "./policy";

export type QueueUrls<Q extends string = string> = Record<Q, { url: string; dlqUrl: string }>;

/** <QUEUE>_QUEUE_URL and <QUEUE>_DLQ_URL for every queue named. */
export function queueUrlsFromEnv<Q extends string>(
  env: Record<string, string | undefined>,
  queues: readonly Q[],
): QueueUrls<Q> {
  const pick = (name: string) => env[name] ?? "";
  return Object.fromEntries(
    queues.map((q) => [
      q,
      { url: pick(`${q.toUpperCase()}_QUEUE_URL`), dlqUrl: pick(`${q.toUpperCase()}_DLQ_URL`) },
    ]),
  ) as QueueUrls<Q>;
}

/**
 * A message body SQS accepts whatever the data: JSON with every character outside printable ASCII
 * written as a \uXXXX escape. SQS refuses characters outside #x9 | #xA | #xD | #x20-#xD7FF |
 * #xE000-#xFFFD | #x10000-#x10FFFF (AWS SQS SendMessage reference; fauxqs refuses astral ones
 * too), and an item code may hold any of them; the escaped form parses back to the same value.
 */
export function encodeBody(value: unknown): string {
  return asciiOnly(JSON.stringify(value));
}

/**
 * Every character outside printable ASCII as a \uXXXX escape: inside JSON that is the same
 * value, and any other text (a reason attribute) stays readable and loses nothing.
 */
function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export interface ParkOptions {
  as?: ParkedAs;
  /** How often the dlq-redrive job has already moved this message back. */
  autoRedrives?: number;
}

/**
 * Which parked messages a redrive takes, by the site their body names (undefined: a message naming
 * none, ERPNext's news for every site). The others stay parked, untouched.
 */
export type SiteFilter = (site: string | undefined) => boolean;

/** The entries of a batch SQS did not take: only those are sent again. */
class Refused extends Error {}

/** Three tries of a batch's refused entries, a short backoff apart (the SDK retries whole calls). */
const SEND_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 };

/**
 * A message's site: the Wix site whose work it is (several sites on one deployment). A message
 * without one is ERPNext's news for every site it concerns (see shared/runtime/sites.ts).
 */
export function siteOf(body: unknown): string | undefined {
  const site = body && typeof body === "object" ? (body as { site?: unknown }).site : undefined;
  return typeof site === "string" && site ? site : undefined;
}

function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? "");
  } catch {
    return undefined;
  }
}

/** The site a message's text names (none when it is not JSON). */
export function siteOfBody(body: string | undefined): string | undefined {
  return siteOf(parseJson(body));
}

/** The body with its site, unless it names one already. */
function withSite<T>(message: T, site: string | undefined): T {
  return site && !siteOf(message) ? { ...message, site } : message;
}

/** A JSON body with the site stamped on it; any other text as it is. */
function stampSite(body: string, site: string): string {
  const parsed = parseJson(body);
  return parsed && typeof parsed === "object" && !Array.isArray(parsed)
    ? JSON.stringify(withSite(parsed, site))
    : body;
}

/** Sends messages in batches of ten; a partial batch failure is retried, then thrown. */
export class SqsEnqueuer<M extends QueueMessages> implements Enqueuer<M> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: QueueUrls<keyof M & string>,
    private readonly retryBaseSeconds = DEFAULT_RETRY_BASE_SECONDS,
    /** Stamped on every message sent or parked through this client that names no site. */
    readonly site?: string,
  ) {}

  /** The same queues, stamping this site on what is sent and parked (a site's use-cases send through it). */
  forSite(site: string | undefined): SqsEnqueuer<M> {
    return new SqsEnqueuer(this.sqs, this.urls, this.retryBaseSeconds, site);
  }

  async send<Q extends keyof M & string>(queue: Q, messages: M[Q][]): Promise<void> {
    const url = this.urls[queue].url;
    for (let i = 0; i < messages.length; i += 10) {
      let entries = messages
        .slice(i, i + 10)
        .map((m, j) => ({ Id: String(j), MessageBody: encodeBody(withSite(m, this.site)) }));
      await retry(
        async () => {
          const res = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
          const failed = new Set((res.Failed ?? []).map((f) => f.Id));
          entries = entries.filter((e) => failed.has(e.Id));
          if (entries.length) throw new Refused(`SQS refused ${entries.length} messages for ${queue}`);
        },
        { policy: SEND_RETRY, isRetryable: (error) => error instanceof Refused },
      );
    }
  }

  /**
   * Parks a message in the queue's DLQ with its reason: `permanent` (the data is wrong; waits for
   * a person) or `retryable` (out of retries in an outage; the dlq-redrive job puts it back).
   */
  async deadLetter(
    queue: keyof M & string,
    body: string,
    reason: string,
    options: ParkOptions = {},
  ): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.urls[queue].dlqUrl,
        // Bodies a worker builds (the refused items of a batch) may hold any character too.
        MessageBody: asciiOnly(this.site ? stampSite(body, this.site) : body),
        MessageAttributes: parkAttributes(scrub(reason), options),
      }),
    );
  }

  /** Backs a failed message off exponentially (with jitter) before it becomes visible again. */
  async delayRetry(queue: keyof M & string, receiptHandle: string, receiveCount: number): Promise<void> {
    const seconds = retryDelaySeconds(receiveCount, this.retryBaseSeconds);
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.urls[queue].url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  /**
   * Moves parked messages back to their queue (after the cause is fixed). The same as SQS's own
   * redrive, which in AWS is `aws sqs start-message-move-task`; this works on fauxqs too.
   */
  async redrive(queue: keyof M & string, max = 1000, only: SiteFilter = () => true): Promise<number> {
    let moved = 0;
    const { url, dlqUrl } = this.urls[queue];
    for await (const messages of this.receivePages(dlqUrl, { visibility: 30, attributes: [], max })) {
      for (const m of messages) {
        // Another site's message stays hidden for the rest of this pass (so the pass ends), then shows again.
        if (!only(siteOfBody(m.Body))) continue;
        await this.sqs.send(
          new SendMessageCommand({ QueueUrl: url, MessageBody: markRetryParked(m.Body ?? "") }),
        );
        await this.sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
        moved++;
      }
    }
    return moved;
  }

  /**
   * The automatic half of the DLQ: messages parked as retryable (or moved there by SQS after too
   * many receives) go back to their queue, counted; one that has come back AUTO_REDRIVE_LIMIT
   * times while both APIs answered is re-parked as permanent. Permanent ones stay for a person.
   * Run only when both APIs answer (the dlq-redrive job checks); `only` leaves the messages of a
   * site whose Wix does not answer yet parked (`held`), untouched.
   */
  async redriveRetryable(
    queue: keyof M & string,
    max = 1000,
    /** Whether a message of this site (undefined: of every site) may go back now; all by default. */
    ready: (site: string | undefined) => boolean = () => true,
  ): Promise<{ moved: number; gaveUp: number; kept: number }> {
    const counts = { moved: 0, gaveUp: 0, kept: 0 };
    const { url, dlqUrl } = this.urls[queue];
    // Kept ones stay hidden for the rest of this pass, so the pass ends.
    for await (const messages of this.receivePages(dlqUrl, { visibility: 60, attributes: ["All"], max })) {
      for (const m of messages) {
        const attrs = m.MessageAttributes ?? {};
        const reason = attrs.reason?.StringValue ?? `failed ${MAX_RECEIVES_TEXT}`;
        const autoRedrives = Number(attrs.autoRedrives?.StringValue ?? 0);
        if (attrs.parkedAs?.StringValue === "permanent" || !ready(siteOfBody(m.Body))) {
          counts.kept++;
          continue;
        }
        if (autoRedrives >= AUTO_REDRIVE_LIMIT) {
          await this.deadLetter(
            queue,
            m.Body ?? "",
            `still failing after ${autoRedrives} automatic retries while both APIs answered: ${reason}`,
            { as: "permanent", autoRedrives },
          );
          counts.gaveUp++;
        } else {
          await this.sqs.send(
            new SendMessageCommand({
              QueueUrl: url,
              MessageBody: m.Body ?? "",
              MessageAttributes: {
                autoRedrives: { DataType: "Number", StringValue: String(autoRedrives + 1) },
              },
            }),
          );
          counts.moved++;
        }
        await this.sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    return counts;
  }

  /** Pages of up to ten messages received (and hidden for `visibility` seconds), `max` in all. */
  private async *receivePages(
    queueUrl: string,
    options: { visibility: number; attributes: string[]; max: number },
  ): AsyncGenerator<Message[]> {
    for (let seen = 0; seen < options.max; ) {
      const res = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: options.visibility,
          MessageAttributeNames: options.attributes,
        }),
      );
      const messages = res.Messages ?? [];
      if (!messages.length) return;
      seen += messages.length;
      yield messages;
    }
  }

  /**
   * Every parked message, read without taking it: hidden while paging (so each page shows
   * others), then visible again at once, so the next reader (a second audit, the report) sees
   * them all too.
   */
  private async peek(dlqUrl: string, max: number): Promise<Message[]> {
    // Two peeks of one DLQ at once (several sites' reports or audits, side by side) would each
    // miss what the other hides: in this process, one at a time.
    const before = SqsEnqueuer.peeking.get(dlqUrl) ?? Promise.resolve();
    const mine = before.then(() => this.peekNow(dlqUrl, max));
    const settled = mine.catch(() => undefined);
    SqsEnqueuer.peeking.set(dlqUrl, settled);
    void settled.then(() => {
      if (SqsEnqueuer.peeking.get(dlqUrl) === settled) SqsEnqueuer.peeking.delete(dlqUrl);
    });
    return mine;
  }

  /** The peek in progress of each DLQ (by URL), shared by every site's client. */
  private static readonly peeking = new Map<string, Promise<unknown>>();

  private async peekNow(dlqUrl: string, max: number): Promise<Message[]> {
    const seen: Message[] = [];
    for await (const page of this.receivePages(dlqUrl, { visibility: 30, attributes: ["reason"], max }))
      seen.push(...page);
    await Promise.all(
      seen.map(
        (m) =>
          this.sqs
            .send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: dlqUrl,
                ReceiptHandle: m.ReceiptHandle,
                VisibilityTimeout: 0,
              }),
            )
            .catch(() => undefined), // it shows again after 30 s anyway
      ),
    );
    return seen;
  }

  /**
   * A look at what is parked (without taking it): the reasons and how often each occurs; with
   * `only`, of the messages of those sites only.
   */
  async dlqReasons(
    queue: keyof M & string,
    max = 50,
    only: SiteFilter = () => true,
  ): Promise<{ reason: string; count: number }[]> {
    const counts = new Map<string, number>();
    for (const m of await this.peek(this.urls[queue].dlqUrl, max)) {
      if (!only(siteOfBody(m.Body))) continue;
      const reason = (m.MessageAttributes?.reason?.StringValue ?? `failed ${MAX_RECEIVES_TEXT}`).slice(
        0,
        200,
      );
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count }));
  }

  /** What is parked, message by message (without taking it): each body and its reason (the audit). */
  async parkedMessages(queue: keyof M & string, max = 10_000): Promise<{ body: unknown; reason: string }[]> {
    return (await this.peek(this.urls[queue].dlqUrl, max)).map((m) => {
      let body: unknown;
      try {
        body = JSON.parse(m.Body ?? "");
      } catch {
        body = m.Body;
      }
      return { body, reason: m.MessageAttributes?.reason?.StringValue ?? `failed ${MAX_RECEIVES_TEXT}` };
    });
  }

  async depth(queue: keyof M & string): Promise<{ depth: number; inFlight: number; dlq: number }> {
    const attrs = async (url: string) =>
      (
        await this.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
          }),
        )
      ).Attributes ?? {};
    const [main, dlq] = await Promise.all([attrs(this.urls[queue].url), attrs(this.urls[queue].dlqUrl)]);
    return {
      depth: Number(main.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(main.ApproximateNumberOfMessagesNotVisible ?? 0),
      dlq: Number(dlq.ApproximateNumberOfMessages ?? 0),
    };
  }
}

/**
 * A person's redrive says "the cause is fixed": an order parked for the same Wix state is tried
 * again, where an ordinary redelivery of it is acknowledged without a second parking.
 */
function markRetryParked(body: string): string {
  try {
    const message = JSON.parse(body) as unknown;
    if (message && typeof message === "object" && (message as { kind?: string }).kind === "order")
      return encodeBody({ ...message, retryParked: true });
  } catch {}
  return body;
}

const MAX_RECEIVES_TEXT = "every receive (moved by the queue's redrive policy)";

function parkAttributes(reason: string, options: ParkOptions) {
  return {
    reason: { DataType: "String", StringValue: asciiOnly(reason).slice(0, 1000) || "unknown" },
    parkedAs: { DataType: "String", StringValue: options.as ?? "permanent" },
    ...(options.autoRedrives
      ? { autoRedrives: { DataType: "Number", StringValue: String(options.autoRedrives) } }
      : {}),
  };
}
