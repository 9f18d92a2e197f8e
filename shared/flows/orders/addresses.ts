import { createHash } from "node:crypto";
import { RetryableError } from "../../errors";
import { HourlyCache } from "../hourly-cache";
import type { WixOrder } from "../wix-orders";
import { countryLookup, customerName, toAddress } from "./mapping";
import type { OrderSyncDeps } from "./ports";

type AddressDoc = NonNullable<ReturnType<typeof toAddress>>;

/**
 * The order's billing and shipping addresses as ERPNext Addresses linked to the customer: an
 * address seen before (same customer, type and content) is reused, a new one is created, so a
 * repeat buyer shipping somewhere new gets that address on this order.
 */
export class Addresses {
  /** ERPNext's Country list (name and ISO code): every country it knows works. */
  private readonly countries = new HourlyCache(() =>
    this.deps.erpnext
      .listAll<{ name: string; code?: string | null }>("Country", { fields: ["name", "code"] })
      .then(countryLookup),
  );

  constructor(private readonly deps: Pick<OrderSyncDeps, "erpnext" | "state">) {}

  async forOrder(order: WixOrder, customer: string): Promise<{ billing?: string; shipping?: string }> {
    const contact = order.billingInfo?.contactDetails;
    const extra = { phone: contact?.phone, email: order.buyerInfo?.email };
    const title = customerName(order);
    const countries = await this.countries.get();
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
      billing: billing && (await this.ensure(customer, billing, { is_primary_address: 1 })),
      shipping: shipping && (await this.ensure(customer, shipping, { is_shipping_address: 1 })),
    };
  }

  /** The Address with this content, made once. */
  private async ensure(customer: string, doc: AddressDoc, flags: Record<string, number>): Promise<string> {
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
}
