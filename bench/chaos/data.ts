import { ERPNEXT_COUNTRIES } from "#infra/sandbox/countries";
import { COMPANY_CURRENCY, EVENT } from "./config";

// --- the scenario's data -------------------------------------------------------------------

export interface ItemPlan {
  code: string;
  name: string;
  /** Its price in each site's price list (SITES' order); undefined: not in that list. */
  prices: (number | string | undefined)[];
}

/**
 * A hostile catalog: emoji, control characters, tabs and surrounding spaces in codes and names,
 * markup in names, prices of 0 and prices that are not numbers (those must never be for sale).
 * With two sites the second has its own prices, and some items are in one site's price list only.
 */
export function catalog(n: number, prefix: string, sites = 1): ItemPlan[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const pad = String(i).padStart(5, "0");
    const code = [
      `${prefix}-${pad}`,
      `${prefix}-${pad}-☕🚀`,
      `${prefix}-${pad}\u0007\u001f`,
      ` ${prefix}-${pad}\tÜ `,
      `${prefix}-${pad}-\u{1F9EA}\u200d`,
    ][i % 5] as string;
    const name = [
      `Mug ${i}`,
      `Tasse "☕" <b>${i}</b> 🚀`,
      `Bell\u0007 ${i}\u0000 & co`,
      `Zoë's naïve café ${i}\r\n`,
      `${"\u{1F600}".repeat(3)} ${i}`,
    ][(i * 3) % 5] as string;
    const price = i % 25 === 5 ? 0 : i % 25 === 15 ? "12,50" : ((i * 37) % 9000) / 100 + 1;
    const prices = Array.from({ length: sites }, (_, site) => {
      if (site === 0) return sites > 1 && i % 10 === 7 ? undefined : price;
      if (i % 10 === 3) return undefined;
      // Dearer, never cheaper: a one-unit refund of the cheapest line must stay above the
      // 1.25 discount of some checkouts, or there is nothing to refund.
      return typeof price === "number" && price > 0 ? Math.round(price * 125) / 100 : price;
    });
    return { code, name, prices };
  });
}

export const storedCode = (code: string) => code.trim(); // ERPNext strips item codes (Item.autoname)
export const publishable = (price: unknown) =>
  typeof price === "number" ? Number.isFinite(price) && price > 0 : false;

/** 40 countries ERPNext knows, spread over its list. */
export const COUNTRIES = Array.from(
  { length: 40 },
  (_, i) => ERPNEXT_COUNTRIES[Math.floor((i * ERPNEXT_COUNTRIES.length) / 40)]?.[1].toUpperCase() as string,
);

/** How many buyers `n` checkouts share (dealt round-robin: checkout k is buyer k % buyers). */
export const buyerCount = (n: number) => Math.max(5, Math.ceil(n / 4));

/** `n` checkouts on the site at `site` (SITES' order), of what it sells at its prices. */
export function checkouts(n: number, items: ItemPlan[], site = 0) {
  const forSale = items.filter((it) => publishable(it.prices[site]));
  const buyers = buyerCount(n);
  return Array.from({ length: n }, (_, k) => {
    const buyer = k % buyers;
    const lineCount = 1 + (k % 3);
    const lines = Array.from({ length: lineCount }, (_, j) => {
      const item = forSale[(k * 7 + j * 13) % forSale.length] as ItemPlan;
      return {
        sku: storedCode(item.code),
        quantity: 1 + ((k + j) % 3),
        price: Number(item.prices[site]).toFixed(2),
      };
    });
    const country = COUNTRIES[k % COUNTRIES.length] as string;
    const taxes = [
      [],
      [{ name: "Sales Tax", rate: "0.08" }],
      [{ name: "VAT", rate: "0.2" }],
      [
        { name: "State", rate: "0.0625" },
        { name: "City", rate: "0.01" },
      ],
    ][k % 4];
    const paid = k % 2 === 0;
    return {
      lines,
      // One buyer, however the e-mail is spelled on each order: one customer.
      buyer: {
        email: k % 3 === 0 ? `  Buyer${buyer}@Example.COM ` : `buyer${buyer}@example.com`,
        firstName: ["Zoë", "李", "O'Brien", "Ada"][buyer % 4],
        lastName: `Chaos${buyer}`,
      },
      address: {
        country,
        city: `City ${country}`,
        postalCode: String(10000 + (buyer % 900)),
        addressLine: `${buyer} Rue de l'Été`,
        subdivision: "",
      },
      shipping: ["4.95", "0", "12.40"][k % 3],
      taxes,
      taxIncluded: k % 4 === 2,
      discount: k % 7 === 0 ? "1.25" : undefined,
      fees: k % 11 === 0 ? [{ name: "Handling", amount: "1.50" }] : undefined,
      // Not the company's currency: parked with the reason, by design.
      currency: k % 20 === 7 ? "EUR" : k % 20 === 13 ? "GBP" : COMPANY_CURRENCY,
      paymentStatus: paid ? "PAID" : "NOT_PAID",
      events: [
        EVENT("order_created"),
        EVENT("order_approved"),
        ...(paid ? [EVENT("order_payment_status_updated")] : []),
      ],
      copies: 3,
    };
  });
}
