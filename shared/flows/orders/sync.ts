import { createHash } from "node:crypto";
import type { ErpnextClient } from "../../erpnext/client";
import { errorMessage, HttpError, isRetryable, PermanentError, RetryableError } from "../../errors";
import type { OrderRecord, StateStore } from "../../store/state";
import type { Outcome, SyncLog } from "../../store/sync-log";
import type { WixClient } from "../../wix/client";
import type { WixOrder } from "../../wix/types";
import {
  type CountryLookup,
  countryLookup,
  customerName,
  type OrderSettings,
  toAddress,
  toSalesOrder,
} from "./mapping";
import { ORDER_POLL_OVERLAP_MS } from "./poll";

export interface OrderSyncDeps {
  erpnext: ErpnextClient;
  wix: WixClient;
  state: StateStore;
  log: SyncLog;
  settings: OrderSettings & {
    customerGroup: string;
    territory: string;
    paymentAccount?: string;
    createOn: "approved" | "created";
  };
}

/** How long a claim protects an order being created before another delivery may take over. */
const CLAIM_LEASE_SECONDS = 120;
/** ERPNext's Country list and company currency are read once and kept this long per container. */
const MASTER_DATA_TTL_MS = 3600_000;

/** Lower-case, trimmed: one buyer however Wix spells the address on each order. */
export const normaliseEmail = (email: string | undefined) => email?.trim().toLowerCase() || undefined;

/**
 * Every Wix order in ERPNext exactly once. The order in Wix is the truth: each message re-reads
 * it and moves ERPNext to match, whatever the event said and in whatever order events came.
 */
export class OrderSync {
  private countries?: { at: number; lookup: Promise<CountryLookup> };
  private companyCurrency?: { at: number; currency: Promise<string | undefined> };

  constructor(private readonly deps: OrderSyncDeps) {}

  async sync(
    orderId: string,
    trigger: { eventType?: string; changedAt?: string; retryParked?: boolean } = {},
  ): Promise<{ outcome: Outcome; reason?: string; salesOrder?: string }> {
    const { wix, state } = this.deps;
    const order = await wix.getOrder(orderId);
    // Announced but not readable yet (or gone): retry for a while; five tries end in the DLQ.
    if (!order) throw new RetryableError(`Wix order ${orderId} not found`);
    let record = await state.getOrder(orderId);
    let result: { outcome: Outcome; reason?: string; salesOrder?: string };

    // REJECTED: its pending payment failed (OrderStatus in @wix/auto_sdk_ecom_orders); as canceled.
    if (order.status === "CANCELED" || order.status === "REJECTED") {
      result = await this.cancel(order, record);
    } else if (!this.shouldCreate(order)) {
      // Wix has taken the stock already: hold it until ERPNext reserves it.
      await state.holdPending(order.id, await orderSkus(order, state));
      result = { outcome: "skipped", reason: `order is ${order.status}, waiting for approval` };
    } else if (record?.state === "parked" && record.parkedFor === order.updatedDate && !trigger.retryParked) {
      // Parked once for this Wix state: more copies of its events (or polls) park nothing more.
      // A person's redrive (retryParked) tries it again after fixing the cause.
      result = { outcome: "skipped", reason: `already parked: ${record.cancelNote ?? "see the DLQ"}` };
    } else {
      const isNew = record?.state !== "created";
      if (isNew || !record) record = await this.create(order);
      if (record.canceled) {
        // Canceled (by a cancel that met this order first): nothing to create or pay.
        result = {
          outcome: "skipped",
          reason: record.salesOrder ? "canceled" : "canceled before a Sales Order existed",
          salesOrder: record.salesOrder,
        };
      } else if (isNew && (await this.canceledMeanwhile(order.id))) {
        // Canceled while we were creating it: a cancel that met our claim left it to us.
        result = await this.cancel(order, await state.getOrder(order.id));
      } else {
        result = {
          outcome: isNew ? "created" : "skipped",
          reason: isNew ? undefined : "already in ERPNext",
          salesOrder: record.salesOrder,
        };
        const paid = await this.recordPayment(order, record);
        if (paid) result = { outcome: "updated", reason: `payment ${paid}`, salesOrder: record.salesOrder };
      }
    }
    const latencyMs = trigger.changedAt ? Math.max(0, Date.now() - Date.parse(trigger.changedAt)) : undefined;
    await this.deps.log.write({
      flow: "orders",
      key: orderId,
      outcome: result.outcome,
      reason: result.reason,
      latencyMs,
      details: { number: order.number, salesOrder: result.salesOrder },
    });
    await state.markSuccess("orders");
    return result;
  }

  /**
   * After a create: did a cancel meet our claim while we made it? Our record says so; a cancel
   * not yet delivered (or lost: the order poll re-sends it) finds the recorded Sales Order
   * later, so no second Wix read (the Wix budget is about 200 calls a minute).
   */
  private async canceledMeanwhile(orderId: string): Promise<boolean> {
    return Boolean((await this.deps.state.getOrder(orderId))?.cancelRequested);
  }

  private shouldCreate(order: WixOrder): boolean {
    if (order.status === "APPROVED") return true;
    return this.deps.settings.createOn === "created" && order.status === "PENDING";
  }

  /** Claim, then create (or adopt the Sales Order a crashed attempt left behind). */
  private async create(order: WixOrder): Promise<OrderRecord> {
    const { state, erpnext } = this.deps;
    const claimed = await state.claimOrder(order.id, order.number, CLAIM_LEASE_SECONDS);
    if (!claimed) {
      const current = await state.getOrder(order.id);
      if (current?.state === "created" || current?.canceled) return current as OrderRecord;
      throw new RetryableError(`order ${order.number} is being created by another delivery`);
    }
    // Until a submitted Sales Order reserves it in ERPNext, the oversell guard counts it.
    await state.holdPending(order.id, await orderSkus(order, state));
    try {
      await this.checkMoney(order);
      const customer = await this.ensureCustomer(order);
      const findExisting = async () =>
        (
          await erpnext.list<SalesOrderHead>("Sales Order", {
            fields: ["name", "grand_total", "docstatus"],
            filters: [
              ["po_no", "=", order.number],
              ["customer", "=", customer],
              ["docstatus", "!=", 2],
            ],
            pageLength: 1,
          })
        )[0];
      const build = async () => toSalesOrder(order, await this.lines(order), customer, this.deps.settings);
      let expectedTotal: number | undefined;
      let salesOrder = await findExisting();
      if (!salesOrder) {
        const built = await build();
        const { doc } = built;
        expectedTotal = built.expectedTotal;
        const { billing, shipping } = await this.addresses(order, customer);
        if (billing) doc.customer_address = billing;
        if (shipping) doc.shipping_address_name = shipping;
        try {
          salesOrder = await erpnext.insert<SalesOrderHead>("Sales Order", doc);
        } catch (error) {
          // The insert may have committed with its answer lost (a retry then meets the po_no
          // guard): if the order is there, it is ours.
          const committed = error instanceof HttpError ? await findExisting() : undefined;
          if (!committed) throw error;
          salesOrder = committed;
        }
      }
      if (salesOrder.docstatus === 0) {
        expectedTotal ??= (await build()).expectedTotal;
        // grand_total, never rounded_total: that is 0 with disable_rounded_total (set_rounded_total,
        // erpnext/controllers/taxes_and_totals.py).
        if (Math.round(salesOrder.grand_total * 100) !== Math.round(expectedTotal * 100)) {
          // ERPNext changed the total (a server-side rule): it stays a draft, and we say so.
          throw new PermanentError(
            `Sales Order ${salesOrder.name} total ${salesOrder.grand_total} differs from Wix total ${expectedTotal}: left as a draft`,
          );
        }
        if (this.deps.settings.submit) await this.submit(salesOrder.name);
      }
      const record: Partial<OrderRecord> = { state: "created", salesOrder: salesOrder.name, customer };
      await state.updateOrder(order.id, record);
      // A submitted order is reserved in ERPNext's Bins now; a draft is not (the hold lapses).
      if (this.deps.settings.submit) await state.releasePending(order.id);
      return { ...(await state.getOrder(order.id)), ...record } as OrderRecord;
    } catch (error) {
      const permanent = !isRetryable(error);
      // Release the claim: a retry (or, when parked, a redrive) may take it straight away.
      await state.updateOrder(order.id, {
        state: permanent ? "parked" : "claimed",
        leaseUntil: 0,
        cancelNote: permanent ? errorMessage(error) : undefined,
        parkedFor: permanent ? order.updatedDate : undefined,
      } as Partial<OrderRecord>);
      if (permanent && error instanceof HttpError) throw new PermanentError(error.message, error.details);
      throw error;
    }
  }

  /** Submits a checked draft; a submit whose answer was lost is recognised on the re-read. */
  private async submit(name: string): Promise<void> {
    const { erpnext } = this.deps;
    try {
      await erpnext.update("Sales Order", name, { docstatus: 1 });
    } catch (error) {
      const now = await erpnext.get<{ docstatus: number }>("Sales Order", name).catch(() => undefined);
      if (now?.docstatus !== 1) throw error;
    }
  }

  /**
   * A Sales Order is in the company's currency (ERPNext would convert any other at its own rate,
   * and the books would no longer match what Wix charged) and never for a negative amount:
   * anything else is parked with its reason rather than booked wrong.
   */
  private async checkMoney(order: WixOrder): Promise<void> {
    const total = Number(order.priceSummary.total.amount);
    if (!Number.isFinite(total))
      throw new PermanentError(
        `order ${order.number}: total "${order.priceSummary.total.amount}" is not a number`,
      );
    if (total < 0)
      throw new PermanentError(`order ${order.number}: negative total ${order.priceSummary.total.amount}`);
    const currency = await this.currencyOfCompany();
    if (currency && order.currency && order.currency.toUpperCase() !== currency.toUpperCase())
      throw new PermanentError(
        `order ${order.number} is in ${order.currency} but company ${this.deps.settings.company} books in ${currency}: not converted (create it by hand, or sell in ${currency})`,
      );
  }

  /**
   * The company's currency: `default_currency`, a mandatory Link to Currency
   * (erpnext/setup/doctype/company/company.json). Read once per hour.
   */
  private currencyOfCompany(): Promise<string | undefined> {
    const { company } = this.deps.settings;
    if (!company) return Promise.resolve(undefined);
    if (!this.companyCurrency || Date.now() - this.companyCurrency.at > MASTER_DATA_TTL_MS) {
      const currency = this.deps.erpnext
        .get<{ default_currency?: string }>("Company", company)
        .then((c) => c.default_currency || undefined);
      currency.catch(() => {
        this.companyCurrency = undefined;
      });
      this.companyCurrency = { at: Date.now(), currency };
    }
    return this.companyCurrency.currency;
  }

  /** ERPNext's Country list (name and ISO code), read once per hour: every country it knows works. */
  private countryNames(): Promise<CountryLookup> {
    if (!this.countries || Date.now() - this.countries.at > MASTER_DATA_TTL_MS) {
      const lookup = this.deps.erpnext
        .listAll<{ name: string; code?: string | null }>("Country", { fields: ["name", "code"] })
        .then(countryLookup);
      lookup.catch(() => {
        this.countries = undefined;
      });
      this.countries = { at: Date.now(), lookup };
    }
    return this.countries.lookup;
  }

  /** Order lines as ERPNext items: SKU first, then our product/variant mapping. */
  private async lines(order: WixOrder) {
    const { state, erpnext } = this.deps;
    const out: { itemCode: string; qty: number; unitPrice: string; name?: string }[] = [];
    for (const line of order.lineItems) {
      // ERPNext strips item codes (Item.autoname, erpnext/stock/doctype/item/item.py): so do we.
      let code = line.physicalProperties?.sku?.trim() || undefined;
      if (code && !(await state.getMapping(code)) && !(await erpnext.find("Item", code))) code = undefined;
      const productId = line.catalogReference?.catalogItemId;
      if (!code && productId)
        code = await state.itemForProduct(productId, line.catalogReference?.options?.variantId);
      if (!code) {
        const label = line.physicalProperties?.sku ?? line.productName?.original ?? line.id;
        throw new PermanentError(
          `order ${order.number}: unknown item "${label}" (no ERPNext item with that SKU or product)`,
        );
      }
      if (!Number.isInteger(line.quantity) || line.quantity < 1)
        throw new PermanentError(`order ${order.number}: line "${code}" has quantity "${line.quantity}"`);
      out.push({
        itemCode: code,
        qty: line.quantity,
        unitPrice: line.price.amount,
        name: line.productName?.original,
      });
    }
    return out;
  }

  /**
   * One ERPNext customer per Wix buyer: the normalised e-mail first (one buyer may reach us with
   * two contact ids), then the contact id.
   */
  private async ensureCustomer(order: WixOrder): Promise<string> {
    const { state } = this.deps;
    const email = normaliseEmail(order.buyerInfo?.email);
    const keys = customerKeys(order);
    const known = () => this.knownCustomer(keys);
    const found = await known();
    if (found || !keys.length) return found ?? this.createCustomer(order, keys);
    // Two orders of one new buyer at once must not make two customers: the lock is on the
    // e-mail when there is one, so two contact ids of one buyer meet at the same lock.
    const lock = `customer:${keys[0]}`;
    if (!(await state.claim(lock, 60)))
      throw new RetryableError(`customer for ${email ?? keys[0]} is being created`);
    try {
      return (await known()) ?? (await this.createCustomer(order, keys));
    } finally {
      await state.release(lock);
    }
  }

  /** The ERPNext customer we already hold for this buyer, if any. */
  private async knownCustomer(keys: string[]): Promise<string | undefined> {
    for (const key of keys) {
      const record = await this.deps.state.getCustomer(key);
      if (record) return record.customer;
    }
    return undefined;
  }

  /**
   * A Sales Order of ours for this order that our record does not name: a creator that crashed
   * after its insert committed (its lease has lapsed since). Ours = this po_no and the customer we
   * hold for the buyer, so another customer's order with the same PO number is never touched.
   */
  private async unrecordedSalesOrder(order: WixOrder): Promise<string | undefined> {
    const customer = await this.knownCustomer(customerKeys(order));
    if (!customer) return undefined;
    const [found] = await this.deps.erpnext.list<{ name: string }>("Sales Order", {
      fields: ["name"],
      filters: [
        ["po_no", "=", order.number],
        ["customer", "=", customer],
        ["docstatus", "!=", 2],
      ],
      pageLength: 1,
    });
    return found?.name;
  }

  /**
   * A customer with billing and shipping addresses; one already in ERPNext with this e-mail (from
   * an earlier attempt, or entered by hand) is adopted instead.
   */
  private async createCustomer(order: WixOrder, keys: string[]): Promise<string> {
    const { state, erpnext, settings } = this.deps;
    const email = normaliseEmail(order.buyerInfo?.email);
    const existing = email
      ? await erpnext.list<{ name: string }>("Customer", {
          fields: ["name"],
          filters: [["email_id", "=", email]],
          pageLength: 1,
        })
      : [];
    let customer = existing[0]?.name;
    if (!customer) {
      const contact = order.billingInfo?.contactDetails;
      customer = (
        await erpnext.insert<{ name: string }>("Customer", {
          customer_name: customerName(order),
          customer_type: contact?.company ? "Company" : "Individual",
          customer_group: settings.customerGroup,
          territory: settings.territory,
          email_id: email,
          mobile_no: contact?.phone,
        })
      ).name;
    }
    for (const key of keys) await state.putCustomer({ key, customer });
    return customer;
  }

  /**
   * The order's billing and shipping addresses as ERPNext Addresses linked to the customer: an
   * address seen before (same customer, type and content) is reused, a new one is created, so a
   * repeat buyer shipping somewhere new gets that address on this order.
   */
  private async addresses(
    order: WixOrder,
    customer: string,
  ): Promise<{ billing?: string; shipping?: string }> {
    const contact = order.billingInfo?.contactDetails;
    const extra = { phone: contact?.phone, email: order.buyerInfo?.email };
    const title = customerName(order);
    const countries = await this.countryNames();
    const billing = toAddress(order.billingInfo?.address, "Billing", title, customer, extra, countries);
    const shippingTo = order.shippingInfo?.logistics?.shippingDestination;
    const shipping = toAddress(
      shippingTo?.address,
      "Shipping",
      title,
      customer,
      { ...extra, phone: shippingTo?.contactDetails?.phone ?? extra.phone },
      countries,
    );
    return {
      billing: billing && (await this.address(customer, billing, { is_primary_address: 1 })),
      shipping: shipping && (await this.address(customer, shipping, { is_shipping_address: 1 })),
    };
  }

  private async address(
    customer: string,
    doc: NonNullable<ReturnType<typeof toAddress>>,
    flags: Record<string, number>,
  ): Promise<string> {
    const { state, erpnext } = this.deps;
    const key = createHash("sha256")
      .update(
        JSON.stringify([
          customer,
          doc.address_type,
          doc.address_line1,
          doc.address_line2,
          doc.city,
          doc.pincode,
          doc.country,
        ]),
      )
      .digest("base64url")
      .slice(0, 22);
    const known = await state.getAddress(key);
    if (known) return known;
    // Two orders with one new address at once must not make it twice: claim it as customers are.
    const lock = `address:${key}`;
    if (!(await state.claim(lock, 60)))
      throw new RetryableError(`address "${doc.address_line1}" of ${customer} is being created`);
    try {
      const meanwhile = await state.getAddress(key);
      if (meanwhile) return meanwhile;
      const name = (await erpnext.insert<{ name: string }>("Address", { ...doc, ...flags })).name;
      await state.putAddress(key, name);
      return name;
    } finally {
      await state.release(lock);
    }
  }

  /** A paid order gets one Payment Entry against its submitted Sales Order. */
  private async recordPayment(order: WixOrder, record: OrderRecord): Promise<string | undefined> {
    const { erpnext, state, settings } = this.deps;
    if (order.paymentStatus !== "PAID" || record.paymentEntry || !record.salesOrder || !settings.submit)
      return undefined;
    if (!settings.paymentAccount)
      throw new PermanentError("order is paid but ERPNEXT_PAYMENT_ACCOUNT is not set");
    const so = await erpnext.get<{
      name: string;
      grand_total: number;
      advance_paid?: number;
      customer: string;
      docstatus: number;
    }>("Sales Order", record.salesOrder);
    if (so.docstatus !== 1) return undefined;
    // Two deliveries of one paid order at once must not both pay it: each would find no payment
    // and insert one (ERPNext refuses the second allocation, or books both if they validate
    // together). A lease on the order's payment, as for customers and addresses.
    const lock = `payment:${order.id}`;
    if (!(await state.claim(lock, 60)))
      throw new RetryableError(`the payment of order ${order.number} is being recorded`);
    try {
      return await this.insertPayment(order, record, so);
    } finally {
      await state.release(lock);
    }
  }

  /** The order's Payment Entry, looked up by reference before one is inserted (under the lease). */
  private async insertPayment(
    order: WixOrder,
    record: OrderRecord,
    so: { name: string; grand_total: number; advance_paid?: number; customer: string },
  ): Promise<string | undefined> {
    const { erpnext, state, settings } = this.deps;
    const existing = await erpnext.list<{ name: string }>("Payment Entry", {
      fields: ["name"],
      filters: [
        ["reference_no", "=", order.number],
        ["party", "=", so.customer],
        ["docstatus", "!=", 2],
      ],
      pageLength: 1,
    });
    let name = existing[0]?.name;
    // ERPNext refuses to allocate more than is outstanding: grand_total (rounded_total is 0, rounding
    // being disabled) less what was paid already (validate_allocated_amount,
    // erpnext/accounts/doctype/payment_entry/payment_entry.py). Paid in full by hand: nothing to add.
    const outstanding = Math.round((so.grand_total - Number(so.advance_paid ?? 0)) * 100) / 100;
    if (!name && outstanding <= 0) return undefined;
    if (!name) {
      const today = new Date().toISOString().slice(0, 10);
      const pe = await erpnext.insert<{ name: string }>("Payment Entry", {
        payment_type: "Receive",
        party_type: "Customer",
        party: so.customer,
        company: settings.company,
        posting_date: today,
        paid_amount: outstanding,
        received_amount: outstanding,
        paid_to: settings.paymentAccount,
        reference_no: order.number,
        reference_date: today,
        references: [
          { reference_doctype: "Sales Order", reference_name: so.name, allocated_amount: outstanding },
        ],
        docstatus: 1,
      });
      name = pe.name;
    }
    await state.updateOrder(order.id, { paymentEntry: name });
    record.paymentEntry = name;
    return name;
  }

  /** Cancel the Sales Order when nothing was delivered, billed or paid; else record why not. */
  private async cancel(order: WixOrder, record: OrderRecord | undefined) {
    const { erpnext, state } = this.deps;
    // A creator still inside its lease records its own Sales Order (and honours cancelRequested).
    const creating = record?.state === "claimed" && Number(record.leaseUntil ?? 0) > Date.now();
    const adopted = record?.salesOrder || creating ? undefined : await this.unrecordedSalesOrder(order);
    if (adopted) {
      await state.updateOrder(order.id, { salesOrder: adopted });
      record = { ...(record as OrderRecord), salesOrder: adopted };
    }
    if (!record?.salesOrder) {
      // Never created: record it as canceled so a late "approved" delivery creates nothing. That
      // write fails while another delivery is creating it: then leave a request the creator
      // honours, and come back until its Sales Order is there to cancel.
      if (await state.cancelBeforeCreate(order.id, order.number, order.updatedDate)) {
        await state.releasePending(order.id);
        return { outcome: "skipped" as Outcome, reason: "canceled before a Sales Order existed" };
      }
      await state.updateOrder(order.id, { cancelRequested: true });
      record = await state.getOrder(order.id);
      if (!record?.salesOrder)
        throw new RetryableError(`order ${order.number} is being created: its cancellation follows`);
    }
    if (record.canceled)
      return { outcome: "skipped" as Outcome, reason: "already canceled", salesOrder: record.salesOrder };
    const so = await erpnext.get<{
      docstatus: number;
      per_delivered?: number;
      per_billed?: number;
      advance_paid?: number;
    }>("Sales Order", record.salesOrder);
    let why: string | undefined;
    if (Number(so.per_delivered) > 0) why = "already delivered";
    else if (Number(so.per_billed) > 0) why = "already invoiced";
    // advance_paid also sees a payment whose worker has not recorded it on our side yet.
    else if (record.paymentEntry || Number(so.advance_paid) > 0)
      why = record.paymentEntry
        ? `payment ${record.paymentEntry} recorded (refund it first)`
        : "a payment is recorded in ERPNext (refund it first)";
    if (why) {
      await state.updateOrder(order.id, { cancelNote: `not canceled: ${why}` });
      return {
        outcome: "failed" as Outcome,
        reason: `Sales Order ${record.salesOrder} not canceled: ${why}`,
        salesOrder: record.salesOrder,
      };
    }
    if (so.docstatus === 1) {
      await erpnext.update("Sales Order", record.salesOrder, { docstatus: 2 }).catch(async (error) => {
        // A cancel whose answer was lost, repeated, is refused as "already cancelled": fine.
        const now = await erpnext.get<{ docstatus: number }>("Sales Order", record.salesOrder as string);
        if (now.docstatus !== 2) throw error;
      });
    } else if (so.docstatus === 0)
      await erpnext.http.send({
        method: "DELETE",
        path: `/api/resource/Sales%20Order/${encodeURIComponent(record.salesOrder)}`,
      });
    await state.updateOrder(order.id, { canceled: true, cancelNote: "canceled" });
    await state.releasePending(order.id);
    return { outcome: "updated" as Outcome, reason: "canceled", salesOrder: record.salesOrder };
  }
}

/** How far back unsynced Wix orders are looked for when guarding stock pushes. */
/** Unannounced orders are looked for since the order poll's last pass (at least an hour back). */
export const PENDING_ORDER_WINDOW_MS = 7 * 86400_000;
const PENDING_MIN_WINDOW_MS = 3600_000;

/** Quantities per SKU of a Wix order (SKU, else our product/variant mapping). */
export async function orderSkus(order: WixOrder, state: StateStore): Promise<Record<string, number>> {
  const skus: Record<string, number> = {};
  for (const line of order.lineItems) {
    const ref = line.catalogReference;
    const sku =
      (line.physicalProperties?.sku?.trim() || undefined) ??
      (ref?.catalogItemId
        ? await state.itemForProduct(ref.catalogItemId, ref.options?.variantId)
        : undefined);
    if (sku) skus[sku] = (skus[sku] ?? 0) + line.quantity;
  }
  return skus;
}

/**
 * Quantities per SKU that Wix has sold but ERPNext does not yet hold as submitted Sales Orders
 * (so they are not yet reserved in its Bins). Two sources: Wix orders since the order poll's last
 * pass (orders whose webhook has not arrived yet count too), and the orders we hold as pending
 * (claimed, parked, drafts). A stock push subtracts these, so it never re-inflates Wix stock, and
 * it reads one or two pages of orders, not a week of them.
 */
export async function pendingWixQuantities(
  deps: { wix: WixClient; state: StateStore; submit: boolean },
  now = Date.now(),
): Promise<Map<string, number>> {
  const pending = new Map<string, number>();
  const add = (skus: Record<string, number>) => {
    for (const [sku, qty] of Object.entries(skus)) pending.set(sku, (pending.get(sku) ?? 0) + qty);
  };
  const mark = await deps.state.getWatermark("order-poll");
  const polled = mark ? Date.parse(mark) - ORDER_POLL_OVERLAP_MS : 0;
  const since = new Date(
    Math.max(now - PENDING_ORDER_WINDOW_MS, Math.min(now - PENDING_MIN_WINDOW_MS, polled)),
  ).toISOString();
  const counted = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.wix.searchOrders(since, cursor);
    for (const order of page.orders) {
      counted.add(order.id);
      if (order.status === "CANCELED" || order.status === "REJECTED") continue;
      const record = await deps.state.getOrder(order.id);
      if (record?.state === "created" && deps.submit) continue;
      add(await orderSkus(order, deps.state));
    }
    cursor = page.next;
  } while (cursor);
  for (const hold of await deps.state.pendingHolds(now)) if (!counted.has(hold.orderId)) add(hold.skus);
  return pending;
}

interface SalesOrderHead {
  name: string;
  grand_total: number;
  docstatus: number;
}

/** Our keys for a buyer: the normalised e-mail first (one buyer, several contact ids), then the contact id. */
function customerKeys(order: WixOrder): string[] {
  const email = normaliseEmail(order.buyerInfo?.email);
  return [
    email && `email:${email}`,
    order.buyerInfo?.contactId && `contact:${order.buyerInfo.contactId}`,
  ].filter(Boolean) as string[];
}
