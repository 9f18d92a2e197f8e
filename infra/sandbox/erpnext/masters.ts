import { mandatoryOf } from "#shared/erpnext/frappe-facts";
import { ERPNEXT_COUNTRIES } from "../countries";
import { type Doctype, series } from "./doctype";
import { nestedSet } from "./nestedset";
import type { ErpnextSite } from "./site";

/** Items, prices, customers, and the setup masters they link to. */

export const item: Doctype = {
  name: "Item",
  required: mandatoryOf("Item"),
  links: { item_group: "Item Group", brand: "Brand" },
  naming: (d) => String(d.item_code),
  // Item.autoname strips the code, and the name is the code (erpnext/stock/doctype/item/item.py).
  prepare: (input) =>
    typeof input.item_code === "string" ? { ...input, item_code: input.item_code.trim() } : input,
};

export const itemPrice: Doctype = {
  name: "Item Price",
  required: mandatoryOf("Item Price"),
  links: { item_code: "Item", price_list: "Price List" },
  naming: series("PRICE-"),
};

export const customer: Doctype = {
  name: "Customer",
  required: mandatoryOf("Customer"),
  links: { customer_group: "Customer Group", territory: "Territory" },
  naming: (d, site) => site.uniqueName("Customer", String(d.customer_name)),
  // customer_type: `default: "Company"` in customer.json.
  prepare: (input) => ({ customer_type: "Company", ...input }),
};

/** Setup masters, named by their title field (or the name given). */
const master = (name: string, titleField?: string): Doctype => ({
  name,
  required: [],
  naming: (d) => String((titleField && d[titleField]) ?? d.name),
});

export const setupMasters: Doctype[] = [
  master("Country", "country_name"),
  // A tree: lft/rgt numbered on every save (nsm_parent_field in item_group.json).
  { ...master("Item Group", "item_group_name"), validate: nestedSet("parent_item_group") },
  master("Customer Group", "customer_group_name"),
  master("Territory", "territory_name"),
  master("Warehouse"),
  master("Company", "company_name"),
  master("Account"),
  master("Price List", "price_list_name"),
  master("Brand", "brand"),
  // A Single: its one document is named like the doctype (GET /api/resource/System Settings/System Settings);
  // only System Manager may read it (frappe/core/doctype/system_settings/system_settings.json).
  { ...master("System Settings"), roles: ["System Manager"] },
];

/**
 * The site's companies, each with its own warehouses and accounts (named "<name> - <abbr>", as
 * ERPNext's company setup makes them): Sandbox Co in USD and Sandbox EU in EUR, for a second Wix
 * site booking into its own company (issue 18).
 */
export const COMPANIES = [
  { name: "Sandbox Co", abbr: "SC", currency: "USD" },
  { name: "Sandbox EU", abbr: "SE", currency: "EUR" },
] as const;

/** Selling price lists and their currency (`currency` is mandatory, erpnext/stock/doctype/price_list/price_list.json). */
const PRICE_LISTS = [
  ["Standard Selling", "USD", 1],
  ["Standard Buying", "USD", 0],
  ["Wholesale", "USD", 1],
  ["EU Selling", "EUR", 1],
] as const;

/** The masters a fresh site holds (companies, warehouses, groups, accounts, countries). */
export function seedMasters(site: ErpnextSite): void {
  const quiet = { silent: true };
  seedCompanies(site);
  for (const name of [
    "All Item Groups",
    "Products",
    "Raw Material",
    "Services",
    "Sub Assemblies",
    "Consumable",
    "Mugs",
    "Apparel",
    "Accessories",
  ]) {
    site.insert(
      "Item Group",
      { name, parent_item_group: name === "All Item Groups" ? "" : "All Item Groups" },
      quiet,
    );
  }
  for (const name of ["All Customer Groups", "Individual", "Commercial", "Non Profit", "Government"])
    site.insert("Customer Group", { name }, quiet);
  for (const name of ["All Territories", "United States", "Rest Of The World"])
    site.insert("Territory", { name }, quiet);
  for (const name of ["Acme", "Nordic Goods", "Café Craft"]) site.insert("Brand", { name }, quiet);
  seedAccounts(site);
  seedCountries(site);
  seedSystemSettings(site);
}

/**
 * A fresh site's System Settings, as far as the sync reads them: `currency_precision` unset, so
 * Currency fields take the 2 decimals of `number_format` "#,###.##" (get_field_precision,
 * frappe/model/meta.py; defaults in frappe/core/doctype/system_settings/system_settings.json).
 * Fills in what an older snapshot lacks.
 */
export function seedSystemSettings(site: ErpnextSite): void {
  if (!site.table("System Settings").has("System Settings"))
    site.insert(
      "System Settings",
      { name: "System Settings", number_format: "#,###.##", currency_precision: "", float_precision: "3" },
      { silent: true },
    );
}

/**
 * The companies with their warehouses and price lists; fills in what an older snapshot lacks (the
 * second company). Each company's receivable is its `default_receivable_account` (company.json).
 */
export function seedCompanies(site: ErpnextSite): void {
  const quiet = { silent: true };
  const add = (doctype: string, doc: Record<string, unknown>) => {
    if (!site.table(doctype).has(String(doc.name))) site.insert(doctype, doc, quiet);
  };
  for (const { name, abbr, currency } of COMPANIES) {
    add("Company", {
      name,
      company_name: name,
      abbr,
      default_currency: currency,
      default_receivable_account: `Debtors - ${abbr}`,
    });
    for (const warehouse of ["Stores", "Backroom", "Finished Goods", "Work In Progress", "Goods In Transit"])
      add("Warehouse", { name: `${warehouse} - ${abbr}`, company: name, is_group: 0 });
  }
  for (const [name, currency, selling] of PRICE_LISTS)
    add("Price List", { name, enabled: 1, selling, buying: 1 - selling, currency });
}

/** Each company's accounts; fills in what an older snapshot lacks (the receivable, a second bank). */
export function seedAccounts(site: ErpnextSite): void {
  const accounts = site.table("Account");
  for (const { name: company, abbr } of COMPANIES)
    for (const [account, type] of [
      ["Freight and Forwarding Charges", "Chargeable"],
      ["VAT", "Tax"],
      ["Sales Tax", "Tax"],
      ["Cash", "Cash"],
      ["Wix Payments", "Bank"],
      ["PayPal", "Bank"],
      ["Debtors", "Receivable"],
    ] as const) {
      const name = `${account} - ${abbr}`;
      if (!accounts.has(name))
        site.insert("Account", { name, account_type: type, company, is_group: 0 }, { silent: true });
    }
}

/** ERPNext's Country list with codes; fills in what an older snapshot lacks. */
export function seedCountries(site: ErpnextSite): void {
  const countries = site.table("Country");
  for (const [name, code] of ERPNEXT_COUNTRIES) {
    const known = countries.get(name);
    if (!known) site.insert("Country", { name, country_name: name, code }, { silent: true });
    else known.code ??= code;
  }
}
