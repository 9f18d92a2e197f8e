/**
 * How a webhook becomes work: the flows' own declarations (shared/flows/<flow>/flow.ts `erpnext`
 * and `wix`) say which doctypes and events feed them and what message each becomes; the two
 * webhook edges (functions/erpnext-webhook.ts, functions/wix-webhook.ts) send what this returns.
 */
import { type FrappeWebhookDocument, readFrappeWebhook } from "../erpnext/webhook";
import type { WixEvent, WixProductEvent } from "../flows/declaration";
import type { MessageOf } from "../flows/registry";
import { FLOW_NAMES, FLOWS, type FlowName } from "../flows/registry";

/** One flow's message, with the flow it is for. */
export type QueuedWork = { [F in FlowName]: { queue: F } & MessageOf<F> }[FlowName];

export type WebhookVerdict =
  | { status: 401 | 400; reason: string }
  | { status: 200; ignored: string }
  | { status: 200; work: QueuedWork; changedAt?: string };

/**
 * Verifies and routes one ERPNext webhook: the flow that declares its doctype gets the message
 * its declaration makes of the body; other doctypes are acknowledged and ignored so ERPNext does
 * not retry them.
 */
export function routeFrappeWebhook(
  rawBody: Buffer,
  signature: string | undefined,
  secret: string,
): WebhookVerdict {
  const verdict = readFrappeWebhook(rawBody, signature, secret);
  if (verdict.status !== 200) return verdict;
  const { doc, changedAt } = verdict;
  for (const flow of FLOW_NAMES) {
    const feed = erpnextFeedOf(flow, doc);
    if (feed)
      return {
        status: 200,
        work: { queue: flow, ...feed.toMessage(doc), source: "webhook", changedAt } as QueuedWork,
        changedAt,
      };
  }
  return { status: 200, ignored: `doctype ${doc.doctype} is not synced` };
}

type AnyErpnextFeed = { doctype: string; toMessage: (doc: FrappeWebhookDocument) => object };
const erpnextFeedOf = (flow: FlowName, doc: FrappeWebhookDocument) =>
  ((FLOWS[flow] as { erpnext?: readonly AnyErpnextFeed[] }).erpnext ?? []).find(
    (f) => f.doctype === doc.doctype,
  );

type AnyWixFeed = {
  events: readonly string[];
  // A flow lists only events of its kind (order or V1 product), so it is given only those.
  toMessage(event: WixEvent | WixProductEvent): object;
  ignoredBecause?: (settings: { shipments: { source: string } }) => string | undefined;
};
const wixFeedOf = (flow: FlowName) => (FLOWS[flow] as { wix?: AnyWixFeed }).wix;

/** The queues a handled Wix event feeds, in registry order. */
export function wixEventQueues(eventType: string): FlowName[] {
  return FLOW_NAMES.filter((flow) => wixFeedOf(flow)?.events.includes(eventType));
}

/**
 * The messages one Wix event becomes, per flow that takes it with these settings; when every flow
 * it feeds declines it, why (the event is acknowledged and ignored).
 */
export function routeWixEvent(
  event: WixEvent | WixProductEvent,
  settings: { shipments: { source: string } },
): { work: QueuedWork[] } | { ignored: string } {
  const work: QueuedWork[] = [];
  let ignored: string | undefined;
  for (const flow of wixEventQueues(event.eventType)) {
    const feed = wixFeedOf(flow) as AnyWixFeed;
    const declined = feed.ignoredBecause?.(settings);
    if (declined) ignored ??= declined;
    else work.push({ queue: flow, ...feed.toMessage(event) } as QueuedWork);
  }
  return work.length || !ignored ? { work } : { ignored };
}
