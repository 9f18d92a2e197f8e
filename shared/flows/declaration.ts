/**
 * What a flow declares about itself in `shared/flows/<flow>/flow.ts`: everything the hosts, the
 * webhook routers, setup, health and the dashboard need to know of it. Plain data and pure
 * functions only, so the webhook edges that import the registry stay small (no use-case, no
 * client). See docs/new-flow.md.
 */
import type * as z from "../validation";

export const MINUTE = 60_000;

/** A scheduled job: `rate` is an EventBridge rate expression; `everyMs` the same interval, for local timers. */
export interface JobDefinition {
  name: string;
  description: string;
  rate: string;
  everyMs: number;
  /**
   * Runs once for every Wix site: it reads ERPNext's changes once and queues them naming no site,
   * so each site's worker takes what concerns it (shared/runtime/sites.ts). Other jobs run per site.
   */
  once?: boolean;
}

/** The ERPNext webhook events a Webhook document may fire on (frappe/integrations/doctype/webhook/webhook.json). */
export type WebhookEvent =
  | "after_insert"
  | "on_update"
  | "on_submit"
  | "on_cancel"
  | "on_trash"
  | "on_change";

/** A webhook body as the template renders it (shared/setup/webhooks.ts `webhookTemplate`). */
export interface WebhookDocument {
  doctype: string;
  name: string;
  modified?: string;
  [field: string]: unknown;
}

/** One ERPNext doctype that feeds the flow: the Webhook documents setup makes, and the message it becomes. */
export interface ErpnextFeed<M> {
  doctype: string;
  /**
   * `on_update` also fires on insert (frappe/model/document.py: `insert` runs `check_if_latest`,
   * which sets `_action = "save"`, then `run_post_save_methods` runs on_update), so an
   * `after_insert` hook would only send every new document twice.
   */
  events: WebhookEvent[];
  /** Skip the integration user's own writes (status fields, documents it makes). */
  echoFilter: boolean;
  /** Fields the route reads besides doctype, name, modified and docstatus. */
  fields: string[];
  /** The flow's message for one webhook body; the router adds `source` and `changedAt`. */
  toMessage: (doc: WebhookDocument) => Omit<M, "source" | "changedAt">;
}

/** A Wix event unwrapped by shared/wix/webhook.ts `verifyWixWebhook`. */
export interface WixEvent {
  orderId: string;
  eventType: string;
  eventId: string;
  sequence?: number;
  eventTime?: string;
}

/**
 * A Catalog V1 event unwrapped by `verifyWixWebhook`: the product it names. V1's catalog and
 * inventory events are no DomainEvents: their envelope is `{data: ProductDeleted, metadata:
 * BaseEventMetadata}` (@wix/auto_sdk_stores_products index.typings.d.ts `ProductDeletedEnvelope`),
 * with no event id or sequence.
 */
export interface WixProductEvent {
  productId: string;
  eventType: string;
  /** `InventoryVariantsChanged`: each changed variant's new quantity (`variants[].newValue.quantity`). */
  variants?: { variantId: string; quantity?: number }[];
}

/** What the Wix app owner subscribes to by hand (the app dashboard has no API for it). */
export interface WixSubscription {
  eventType: string;
  /** As the app dashboard names it (Develop > Webhooks > Create webhook: category, then event). */
  dashboard: string;
  why: string;
  /** Only sites on this catalog version send it (Catalog V1's events): setup lists it for them only. */
  catalog?: "V1_CATALOG";
}

/** The Wix events that feed the flow and the message each becomes (`E`: the event they are). */
export interface WixFeed<M, E = WixEvent> {
  events: readonly string[];
  toMessage(event: E): M;
  /** The subscriptions setup lists for the app owner (an event may feed several flows: listed once). */
  subscriptions: readonly WixSubscription[];
  /**
   * Why the flow takes no Wix events with these settings (undefined: it takes them). Read by the
   * Wix webhook edge; an event no flow takes is acknowledged and ignored.
   */
  ignoredBecause?: (settings: { shipments: { source: string } }) => string | undefined;
}

/** A Custom Field the flow writes (setup creates it); flags default to 0. */
export interface FieldSpec {
  fieldname: string;
  label: string;
  fieldtype: "Data" | "Select" | "Datetime" | "Small Text";
  options?: string;
  read_only?: 0 | 1;
  allow_on_submit?: 0 | 1;
  no_copy?: 0 | 1;
  in_standard_filter?: 0 | 1;
}

/** A field only the integration writes: read-only at the desk, never copied to a new document. */
export const ours = (spec: FieldSpec): FieldSpec => ({ read_only: 1, no_copy: 1, ...spec });
/** The same on a submitted document (written after submit). */
export const oursOnSubmitted = (spec: FieldSpec): FieldSpec => ours({ allow_on_submit: 1, ...spec });

export interface FlowDefinition<
  N extends string = string,
  S extends z.ZodMiniType = z.ZodMiniType,
  E extends WixEvent | WixProductEvent = WixEvent,
> {
  /** The flow's name: its queue (`<name>` and `<name>-dlq`), sync log and metrics prefix. */
  name: N;
  /** What the flow keeps in agreement (the worker's description). */
  description: string;
  /** The messages its queue carries, validated by the worker before any work. */
  message: S;
  worker: {
    /** The Lambda entry (exports `handler`), bundled by the CDK stack and imported by the local host. */
    entry: `functions/workers/${N}.ts`;
    memoryMb: number;
    timeoutSeconds: number;
    /** Concurrent batches (the event source mapping's maxConcurrency, 2 to 1000 in AWS; local consumers). */
    concurrency: number;
    /** Seconds SQS gathers messages into one batch (lets stock hints coalesce). */
    batchingWindowSeconds?: number;
    /** Other flows' queues the worker sends to. */
    sendsTo?: readonly string[];
    /** Needs the Wix event idempotency table. */
    eventIdempotency?: boolean;
  };
  /** The ERPNext doctypes whose webhooks feed it. */
  erpnext?: readonly ErpnextFeed<z.infer<S>>[];
  /** The Wix events that feed it. */
  wix?: WixFeed<z.infer<S>, E>;
  /** Its catch-up and maintenance jobs (run by the jobs function; runners in shared/flows/job-registry.ts). */
  jobs: readonly JobDefinition[];
  /** Custom Fields it writes, by doctype. */
  customFields?: Readonly<Record<string, readonly FieldSpec[]>>;
  /** How old the flow's last success may be before health degrades. */
  healthThresholdSeconds: number;
  /** Outcomes counted as `<flow>_<outcome>` metrics on the dashboard. */
  outcomes: readonly string[];
}

/**
 * A flow's job runners (`shared/flows/<flow>/runners.ts`), by the names its declaration gives.
 * Each takes what it needs of the jobs function's core (checked in functions/jobs.ts).
 */
export type JobRunners<F extends Pick<FlowDefinition, "jobs">> = Record<
  F["jobs"][number]["name"],
  // biome-ignore lint/suspicious/noExplicitAny: each runner names its own dependencies
  (deps: any) => Promise<object>
>;
