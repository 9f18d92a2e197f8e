import { generateKeyPairSync, randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import type { WixOrderWithFulfillments } from "#shared/flows/wix-fulfillments";
import type { WixOrder } from "#shared/flows/wix-orders";
import { type BeforeDelivery, deliverWebhook, Outbox } from "../kit";
import type { WixSandboxOptions } from "./store";

export const FULFILLMENTS_UPDATED = "wix.ecom.v1.fulfillments_updated";

/**
 * Order events as Wix sends them: an RS256 JWT whose `data` is the three-layer envelope
 * JSON{eventType, instanceId, data: JSON{...event}, identity}, posted as text/plain to the app's
 * webhook URL, at least once, in no set order, retried on failure.
 */
export class WixWebhooks {
  readonly log: { eventType: string; status: number | string }[] = [];
  /** The key pair Wix signs with; the app verifies with the public key. */
  keys: { publicKeyPem: string; privateKeyPem: string };
  /** The last `entityEventSequence` given. */
  sequence = 0;
  private readonly outbox = new Outbox();
  beforeDelivery?: BeforeDelivery;
  /**
   * Deliveries to lose: an app endpoint that stays down longer than Wix's retries loses the event
   * (Wix delivers at least once, not surely), so the catch-up jobs must find the change.
   */
  private losses: { match: RegExp; count: number }[] = [];

  constructor(private readonly options: WixSandboxOptions) {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.keys = {
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
  }

  /** Webhooks go out after the answer, as Wix sends them from its own queue. */
  async announce(order: WixOrder, events: string[]): Promise<void> {
    this.outbox.send(async () => {
      for (const event of events) await this.send(event, order);
    });
  }

  /** Resolves when every announced change has been delivered (or given up). */
  settled(): Promise<void> {
    return this.outbox.settled();
  }

  /** Signs an event as Wix does: JWT{data: JSON{eventType, instanceId, data: JSON{...}, identity}}. */
  async sign(
    eventType: string,
    order: WixOrder,
    opts: { eventId?: string; expiresIn?: string; legacy?: boolean } = {},
  ): Promise<string> {
    const base = {
      id: opts.eventId ?? randomUUID(),
      entityFqdn: "wix.ecom.v1.order",
      slug: eventType.split("_").slice(1).join("_") || eventType,
      entityId: order.id,
      eventTime: new Date().toISOString(),
      entityEventSequence: String(++this.sequence),
    };
    let inner: Record<string, unknown>;
    if (eventType.endsWith("order_created"))
      inner = opts.legacy
        ? { ...base, createdEvent: { entityAsJson: JSON.stringify(order) } }
        : { ...base, createdEvent: { entity: order } };
    else if (eventType.endsWith("order_updated"))
      inner = opts.legacy
        ? { ...base, updatedEvent: { currentEntityAsJson: JSON.stringify(order) } }
        : { ...base, updatedEvent: { currentEntity: order } };
    else
      inner = opts.legacy
        ? { ...base, actionEvent: { bodyAsJson: JSON.stringify({ order }) } }
        : { ...base, actionEvent: { body: { order } } };
    return this.seal(eventType, inner, opts.expiresIn);
  }

  /**
   * The one fulfillments event (FUL index.typings.d.ts `onFulfillmentsUpdated`): eventType
   * `wix.ecom.v1.fulfillments_updated`, slug `updated`, entityFqdn `wix.ecom.v1.fulfillments`, the
   * order's whole list after the change as `updatedEvent.currentEntity`.
   */
  signFulfillments(entity: WixOrderWithFulfillments, opts: { eventId?: string } = {}): Promise<string> {
    return this.seal(FULFILLMENTS_UPDATED, {
      id: opts.eventId ?? randomUUID(),
      entityFqdn: "wix.ecom.v1.fulfillments",
      slug: "updated",
      entityId: entity.orderId,
      eventTime: new Date().toISOString(),
      entityEventSequence: String(++this.sequence),
      updatedEvent: { currentEntity: entity },
    });
  }

  /** Announces an order's fulfillments after the answer, as Wix does from its queue. */
  announceFulfillments(entity: WixOrderWithFulfillments): void {
    this.outbox.send(async () => {
      if (this.options.webhookUrl)
        await this.deliver(FULFILLMENTS_UPDATED, await this.signFulfillments(entity));
    });
  }

  /**
   * An action event of an entity other than the order, e.g. order transactions: entityFqdn
   * `wix.ecom.v1.order_transactions` (@wix/auto_sdk_ecom_order-transactions index.js), entityId the
   * order id, the body (`PaymentDetailsUpdated`, `RefundCompleted`...) in `actionEvent.body`.
   */
  async signAction(
    eventType: string,
    entity: { fqdn: string; id: string },
    body: unknown,
    opts: { eventId?: string; expiresIn?: string } = {},
  ): Promise<string> {
    const inner = {
      id: opts.eventId ?? randomUUID(),
      entityFqdn: entity.fqdn,
      slug: eventType.slice(entity.fqdn.length + 1) || eventType,
      entityId: entity.id,
      eventTime: new Date().toISOString(),
      entityEventSequence: String(++this.sequence),
      actionEvent: { body },
    };
    return this.seal(eventType, inner, opts.expiresIn);
  }

  /** Action events go out after the answer, like order events. */
  announceAction(events: { eventType: string; entity: { fqdn: string; id: string }; body: unknown }[]): void {
    this.outbox.send(async () => {
      for (const e of events) {
        if (!this.options.webhookUrl) return;
        await this.deliver(e.eventType, await this.signAction(e.eventType, e.entity, e.body));
      }
    });
  }

  /** Signed tokens, each delivered `copies` times, all at once, shuffled (at least once, any order). */
  async deliverCopies(
    tokens: readonly (readonly [string, string])[],
    copies: number,
  ): Promise<(number | string)[]> {
    if (!this.options.webhookUrl) return ["no webhook url"];
    const deliveries = tokens.flatMap((t) => Array.from({ length: copies }, () => t));
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [
        deliveries[j] as (typeof deliveries)[number],
        deliveries[i] as (typeof deliveries)[number],
      ];
    }
    return Promise.all(deliveries.map(([eventType, token]) => this.deliver(eventType, token)));
  }

  /** JWT{data: JSON{eventType, instanceId, data: JSON{...event}, identity}}, RS256. */
  private async seal(eventType: string, inner: Record<string, unknown>, expiresIn = "1h"): Promise<string> {
    const envelope = {
      eventType,
      instanceId: this.options.instanceId ?? "sandbox-instance",
      data: JSON.stringify(inner),
      identity: JSON.stringify({ identityType: "APP", appId: this.options.appId ?? "sandbox-app" }),
    };
    const key = await importPKCS8(this.keys.privateKeyPem, "RS256");
    return new SignJWT({ data: JSON.stringify(envelope) })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);
  }

  /** Delivers an order event to the configured webhook URL, retrying like Wix (compressed in time). */
  async send(eventType: string, order: WixOrder, opts: { eventId?: string } = {}): Promise<number | string> {
    if (!this.options.webhookUrl) return "no webhook url";
    return this.deliver(eventType, await this.sign(eventType, order, opts));
  }

  /**
   * Wix delivers at least once, in no set order: each event is signed once (one event id) and
   * delivered `copies` times, every delivery of every event at once, shuffled.
   */
  async sendCopies(eventTypes: string[], order: WixOrder, copies: number): Promise<(number | string)[]> {
    if (!this.options.webhookUrl) return ["no webhook url"];
    const tokens = await Promise.all(eventTypes.map(async (e) => [e, await this.sign(e, order)] as const));
    return this.deliverCopies(tokens, copies);
  }

  setTarget(url: string | undefined): void {
    this.options.webhookUrl = url;
  }

  /** The next `count` deliveries of events whose type matches `match` are lost. */
  lose(count: number, match: RegExp): void {
    this.losses.push({ match, count });
  }

  /** Losses still to come (a test asserts 0 so a loss that never matched cannot pass silently). */
  get pendingLosses(): number {
    return this.losses.reduce((n, l) => n + l.count, 0);
  }

  clearLosses(): void {
    this.losses = [];
  }

  private async deliver(eventType: string, token: string): Promise<number | string> {
    if (!this.options.webhookUrl) return "no webhook url";
    const loss = this.losses.find((l) => l.count > 0 && l.match.test(eventType));
    if (loss) {
      loss.count--;
      this.losses = this.losses.filter((l) => l.count > 0);
      this.log.push({ eventType, status: "lost" });
      return "lost";
    }
    this.beforeDelivery?.();
    const status = await deliverWebhook(this.options.webhookUrl, {
      headers: { "content-type": "text/plain" },
      body: token,
    });
    this.log.push({ eventType, status });
    return status;
  }
}
