import { errorMessage, isRetryable, PermanentError, RetryableError, SyncError } from "../../errors";
import { readCurrencyPrecision, roundToPrecision } from "../currency";
import { HourlyCache } from "../hourly-cache";
import { itemForLine } from "../line-items";
import { orderSkus } from "../order-holds";
import type { OrderRecord } from "../records";
import { orderReference, SITE_FIELD } from "../site-field";
import { salesOrderWixFields } from "../status/fields";
import type { WixOrder } from "../wix-orders";
import type { Addresses } from "./addresses";
import type { Customers } from "./customers";
import { toSalesOrder } from "./mapping";
import type { OrderSyncDeps, OrdersErpnext } from "./ports";

/** How long a claim protects an order being created before another delivery may take over. */
const CLAIM_LEASE_SECONDS = 120;

export interface SalesOrderHead {
  name: string;
  grand_total: number;
  docstatus: number;
}

/**
 * The live (not cancelled) Sales Order of ours for a Wix order: its reference as `po_no` (the
 * order number, site-prefixed on a site but the default: orderReference) and the customer we hold
 * for the buyer, so another customer's order with the same PO number is never taken for it.
 */
export async function findSalesOrder(
  erpnext: OrdersErpnext,
  reference: string,
  customer: string,
): Promise<SalesOrderHead | undefined> {
  const [found] = await erpnext.list<SalesOrderHead>("Sales Order", {
    fields: ["name", "grand_total", "docstatus"],
    filters: [
      ["po_no", "=", reference],
      ["customer", "=", customer],
      ["docstatus", "!=", 2],
    ],
    pageLength: 1,
  });
  return found;
}

/** Each Wix order's Sales Order, created once: claimed, checked, inserted as a draft, submitted. */
export class SalesOrders {
  /** The company's currency: `default_currency`, a mandatory Link (erpnext/setup/doctype/company/company.json). */
  private readonly companyCurrency = new HourlyCache(async () => {
    const { company } = this.deps.settings;
    if (!company) return undefined;
    const doc = await this.deps.erpnext.get<{ default_currency?: string }>("Company", company);
    return doc.default_currency || undefined;
  });
  /** The decimals ERPNext books an amount with (System Settings, shared/flows/currency.ts). */
  private readonly precision = new HourlyCache(() => readCurrencyPrecision(this.deps.erpnext));

  constructor(
    private readonly deps: Pick<OrderSyncDeps, "erpnext" | "state" | "settings">,
    private readonly customers: Customers,
    private readonly addresses: Addresses,
  ) {}

  /** Claim, then create (or adopt the Sales Order a crashed attempt left behind). */
  async create(order: WixOrder): Promise<OrderRecord> {
    const { state, erpnext, settings } = this.deps;
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
      const customer = await this.customers.ensure(order);
      const build = async () => toSalesOrder(order, await this.lines(order), customer, settings);
      let expectedTotal: number | undefined;
      const reference = orderReference(order.number, settings.site);
      let salesOrder = await findSalesOrder(erpnext, reference, customer);
      if (!salesOrder) {
        const built = await build();
        const { doc } = built;
        expectedTotal = built.expectedTotal;
        const { billing, shipping } = await this.addresses.forOrder(order, customer);
        if (billing) doc.customer_address = billing;
        if (shipping) doc.shipping_address_name = shipping;
        doc.po_no = reference;
        doc[SITE_FIELD] = settings.site;
        if (settings.wixFields) Object.assign(doc, salesOrderWixFields(order, settings.wixFields.siteId));
        try {
          salesOrder = await erpnext.insert<SalesOrderHead>("Sales Order", doc);
        } catch (error) {
          // The insert may have committed with its answer lost (a retry then meets the po_no
          // guard): if the order is there, it is ours.
          const committed = await findSalesOrder(erpnext, reference, customer);
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
        if (settings.submit) await this.submit(salesOrder.name);
      }
      const record: Partial<OrderRecord> = { state: "created", salesOrder: salesOrder.name, customer };
      await state.updateOrder(order.id, record);
      // A submitted order is reserved in ERPNext's Bins now; a draft is not (the hold lapses).
      if (settings.submit) await state.releasePending(order.id);
      return { ...(await state.getOrder(order.id)), ...record } as OrderRecord;
    } catch (error) {
      const permanent = !isRetryable(error);
      // Release the claim: a retry (or, when parked, a redrive) may take it straight away.
      await state.updateOrder(order.id, {
        state: permanent ? "parked" : "claimed",
        leaseUntil: 0,
        parkedReason: permanent ? errorMessage(error) : undefined,
        parkedFor: permanent ? order.updatedDate : undefined,
      } as Partial<OrderRecord>);
      // A refusal ERPNext will repeat (a validation error) is parked as the order's own problem.
      if (permanent && !(error instanceof PermanentError))
        throw new PermanentError(errorMessage(error), error instanceof SyncError ? error.details : {});
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
   * and the books would no longer match what Wix charged), never for a negative amount, and
   * never with a line priced finer than ERPNext books (0.001 in USD, from a product published
   * before prices were rounded): its rate would be rounded, to 0.00 at worst. Anything else is
   * parked with its reason rather than booked wrong.
   */
  private async checkMoney(order: WixOrder): Promise<void> {
    const total = Number(order.priceSummary.total.amount);
    if (!Number.isFinite(total))
      throw new PermanentError(
        `order ${order.number}: total "${order.priceSummary.total.amount}" is not a number`,
      );
    if (total < 0)
      throw new PermanentError(`order ${order.number}: negative total ${order.priceSummary.total.amount}`);
    const currency = await this.companyCurrency.get();
    if (currency && order.currency && order.currency.toUpperCase() !== currency.toUpperCase())
      throw new PermanentError(
        `order ${order.number} is in ${order.currency} but company ${this.deps.settings.company} books in ${currency}: not converted (create it by hand, or sell in ${currency})`,
      );
    const precision = await this.precision.get();
    for (const line of order.lineItems) {
      const unit = Number(line.price?.amount);
      if (Number.isFinite(unit) && roundToPrecision(unit, precision) !== unit)
        throw new PermanentError(
          `order ${order.number}: line "${line.physicalProperties?.sku ?? line.productName?.original ?? line.id}" is priced ${line.price.amount}, finer than the ${precision} decimals ERPNext books: not booked at a rounded price`,
        );
    }
  }

  /** Order lines as ERPNext items: SKU first, then our product/variant mapping. */
  private async lines(order: WixOrder) {
    const { state, erpnext } = this.deps;
    const out: { itemCode: string; qty: number; unitPrice: string; name?: string }[] = [];
    for (const line of order.lineItems) {
      const code = await itemForLine(
        line,
        state,
        async (sku) => !!((await state.getMapping(sku)) || (await erpnext.find("Item", sku))),
      );
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
}
