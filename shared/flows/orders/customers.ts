import { RetryableError } from "../../errors";
import { SITE_FIELD } from "../site-field";
import type { WixOrder } from "../wix-orders";
import { customerName } from "./mapping";
import type { OrderSyncDeps } from "./ports";

/** Lower-case, trimmed: one buyer however Wix spells the address on each order. */
export const normaliseEmail = (email: string | undefined) => email?.trim().toLowerCase() || undefined;

/** Our keys for a buyer: the normalised e-mail first (one buyer, several contact ids), then the contact id. */
export function customerKeys(order: WixOrder): string[] {
  const email = normaliseEmail(order.buyerInfo?.email);
  return [
    email && `email:${email}`,
    order.buyerInfo?.contactId && `contact:${order.buyerInfo.contactId}`,
  ].filter(Boolean) as string[];
}

/** One ERPNext customer per Wix buyer. */
export class Customers {
  constructor(private readonly deps: Pick<OrderSyncDeps, "erpnext" | "state" | "settings">) {}

  /**
   * The buyer's ERPNext customer, made on first sight: the normalised e-mail first (one buyer
   * may reach us with two contact ids), then the contact id.
   */
  async ensure(order: WixOrder): Promise<string> {
    const { state } = this.deps;
    const email = normaliseEmail(order.buyerInfo?.email);
    const keys = customerKeys(order);
    const known = () => this.knownByKeys(keys);
    const found = await known();
    if (found || !keys.length) return found ?? this.create(order, keys);
    // Two orders of one new buyer at once must not make two customers: the lock is on the
    // e-mail when there is one, so two contact ids of one buyer meet at the same lock.
    const lock = `customer:${keys[0]}`;
    if (!(await state.claim(lock, 60)))
      throw new RetryableError(`customer for ${email ?? keys[0]} is being created`);
    try {
      return (await known()) ?? (await this.create(order, keys));
    } finally {
      await state.release(lock);
    }
  }

  /** The ERPNext customer we already hold for this order's buyer, if any. */
  known(order: WixOrder): Promise<string | undefined> {
    return this.knownByKeys(customerKeys(order));
  }

  private async knownByKeys(keys: string[]): Promise<string | undefined> {
    for (const key of keys) {
      const record = await this.deps.state.getCustomer(key);
      if (record) return record.customer;
    }
    return undefined;
  }

  /**
   * A new customer; one already in ERPNext with this e-mail (from an earlier attempt, or entered
   * by hand) is adopted instead.
   */
  private async create(order: WixOrder, keys: string[]): Promise<string> {
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
          // Where the buyer was first seen; one adopted above keeps what it has.
          [SITE_FIELD]: settings.site,
        })
      ).name;
    }
    for (const key of keys) await state.putCustomer({ key, customer });
    return customer;
  }
}
