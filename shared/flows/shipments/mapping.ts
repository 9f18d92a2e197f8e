import type { WixFulfillment, WixFulfillmentLine, WixTrackingInfo } from "../wix-fulfillments";
import type { DeliveryNoteDoc } from "./ports";

/**
 * The five providers Wix makes the tracking link for, exact case (doc comment of
 * `FulfillmentTrackingInfo.shippingProvider`, @wix/auto_sdk_ecom_order-fulfillments meta.d.ts);
 * keyed by the carrier name with case, spaces and punctuation removed.
 */
const KNOWN_PROVIDERS: Record<string, string> = {
  fedex: "fedex",
  federalexpress: "fedex",
  ups: "ups",
  unitedparcelservice: "ups",
  usps: "usps",
  unitedstatespostalservice: "usps",
  dhl: "dhl",
  dhlexpress: "dhl",
  canadapost: "canadaPost",
  postescanada: "canadaPost",
};

export function knownProvider(carrier: string | undefined): string | undefined {
  return carrier ? KNOWN_PROVIDERS[carrier.toLowerCase().replace(/[^a-z]/g, "")] : undefined;
}

/** What a Delivery Note says about its tracking: our Custom Fields first, the transporter fields else. */
export function trackingOfNote(dn: DeliveryNoteDoc): { number?: string; carrier?: string; link?: string } {
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  return {
    number: text(dn.wix_tracking_number) ?? text(dn.lr_no),
    carrier: text(dn.wix_carrier) ?? text(dn.transporter_name),
    link: text(dn.wix_tracking_link),
  };
}

/**
 * Wix tracking info from a note's tracking: a known carrier by Wix's provider name (Wix makes its
 * link), any other with its name and link. A custom carrier without a link would be refused
 * ("you must manually provide the trackingLink"), so only the number goes then, with a note.
 */
export function trackingInfoOf(t: { number?: string; carrier?: string; link?: string }): {
  trackingInfo?: WixTrackingInfo;
  note?: string;
} {
  if (!t.number && !t.carrier && !t.link) return {};
  const info: WixTrackingInfo = {};
  if (t.number) info.trackingNumber = t.number.slice(0, 100);
  const provider = knownProvider(t.carrier);
  if (provider) {
    info.shippingProvider = provider;
    if (t.link) info.trackingLink = t.link;
    return { trackingInfo: info };
  }
  if (t.carrier && t.link)
    return { trackingInfo: { ...info, shippingProvider: t.carrier.slice(0, 100), trackingLink: t.link } };
  const note = t.carrier
    ? `carrier "${t.carrier}" is not one Wix knows (fedex, ups, usps, dhl, canadaPost): set wix_tracking_link to send it`
    : undefined;
  if (t.link) info.trackingLink = t.link;
  return info.trackingNumber || info.trackingLink ? { trackingInfo: info, note } : { note };
}

/** A stable text of what we sent, to notice an edit. */
export function trackingKey(info: WixTrackingInfo | undefined): string {
  return JSON.stringify([info?.trackingNumber ?? "", info?.shippingProvider ?? "", info?.trackingLink ?? ""]);
}

/** Units of each Wix order line already in a fulfillment (other than `except`). */
export function fulfilledQuantities(fulfillments: WixFulfillment[], except?: string): Map<string, number> {
  const done = new Map<string, number>();
  for (const f of fulfillments) {
    if (except && f.id === except) continue;
    for (const line of f.lineItems ?? [])
      if (line.id) done.set(line.id, (done.get(line.id) ?? 0) + (line.quantity ?? 0));
  }
  return done;
}

/** An order line as the flow matches it: its id, item code, quantity and position. */
export interface OrderLine {
  id: string;
  itemCode?: string;
  quantity: number;
  index: number;
}

/**
 * Spreads wanted quantities per item code over the order's lines of that item, what each line has
 * left first; `hint` (the Sales Order row's position, which the orders flow makes line by line)
 * picks the line first when it holds the same item. Returns the lines and what could not be placed.
 */
export function allocate(
  wanted: { itemCode: string; qty: number; hint?: number }[],
  lines: OrderLine[],
  alreadyFulfilled: Map<string, number>,
): { lineItems: WixFulfillmentLine[]; unplaced: { itemCode: string; qty: number }[] } {
  const left = new Map(lines.map((l) => [l.id, l.quantity - (alreadyFulfilled.get(l.id) ?? 0)]));
  const taken = new Map<string, number>();
  const unplaced: { itemCode: string; qty: number }[] = [];
  for (const want of wanted) {
    let qty = want.qty;
    const candidates = lines
      .filter((l) => l.itemCode === want.itemCode)
      .sort((a, b) => Number(b.index === want.hint) - Number(a.index === want.hint) || a.index - b.index);
    for (const line of candidates) {
      if (qty <= 0) break;
      const take = Math.min(qty, left.get(line.id) ?? 0);
      if (take <= 0) continue;
      left.set(line.id, (left.get(line.id) ?? 0) - take);
      taken.set(line.id, (taken.get(line.id) ?? 0) + take);
      qty -= take;
    }
    if (qty > 0) unplaced.push({ itemCode: want.itemCode, qty });
  }
  const lineItems = lines
    .filter((l) => taken.has(l.id))
    .map((l) => ({ id: l.id, quantity: taken.get(l.id) as number }));
  return { lineItems, unplaced };
}

/** The same lines and quantities, in any order. */
export function sameLines(a: WixFulfillmentLine[] | undefined, b: WixFulfillmentLine[]): boolean {
  const text = (lines: WixFulfillmentLine[]) =>
    JSON.stringify(
      lines.map((l) => [l.id, l.quantity ?? 0]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  return text(a ?? []) === text(b);
}
