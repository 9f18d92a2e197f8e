import type { ErpnextOrderSide, WixOrderSide } from "./compare";

/** An audit period: orders updated from the start of `from` to the end of `to` (UTC days). */
export interface AuditPeriod {
  /** YYYY-MM-DD */
  from: string;
  /** YYYY-MM-DD, included */
  to: string;
}

/** The Wix side, a page of orders at a time (Search Orders pages by 100). */
export interface WixAuditReader {
  orders(period: AuditPeriod): AsyncIterable<WixOrderSide[]>;
}

/** The ERPNext side of a page of orders, by Wix order id. */
export interface ErpnextAuditReader {
  sides(
    orders: WixOrderSide[],
    known: Map<string, { salesOrder?: string }>,
  ): Promise<Map<string, ErpnextOrderSide>>;
}

/** What the integration knows of each order: its Sales Order and whether (and why) it is parked. */
export interface OrderContextReader {
  of(orderIds: string[]): Promise<Map<string, { salesOrder?: string; parked?: string }>>;
}
