import type { Settings } from "../config/settings";
import type { ErpnextClient } from "../erpnext/client";
import { errorMessage, HttpError } from "../errors";
import { CUSTOM_FIELDS } from "./custom-fields";
import { type Action, describeAction, describeProblems, type Problem, planDocument } from "./document-plan";
import { WEBHOOK_NAME_PREFIX, wantedWebhooks } from "./webhooks";
import { checkWix, type SetupWix } from "./wix";

/**
 * `npm run setup`: check everything first (ERPNext masters, accounts, the API user's roles, Wix),
 * then, only when nothing is wrong, create or update the Webhook and Custom Field documents.
 * Idempotent: a re-run finds every document as wanted and writes nothing.
 */

export type SetupErpnext = Pick<
  ErpnextClient,
  "whoAmI" | "find" | "list" | "listAll" | "insert" | "update" | "delete" | "call"
>;

export interface SetupDeps {
  erpnext: SetupErpnext;
  /** Omit to leave Wix out (the sandbox seed sets up only its ERPNext). */
  wix?: SetupWix;
  settings: SetupSettings;
  /** Where the Webhook documents send (`/webhooks/erpnext` of the host, or ErpnextWebhookUrl). */
  webhookUrl: string;
  /** Called once per check or write, for a progress display. */
  tick?: (note: string) => void;
  /**
   * Several Wix sites (SITES_FILE): each one's ERPNext masters and Wix are checked, its problems
   * named after it; the Webhooks and Custom Fields are ERPNext's, made once for every site.
   * Without it, `settings` and `wix` are the one site.
   */
  sites?: readonly SiteSetup[];
}

/** A site's settings as setup reads them: its ERPNext masters, and its Wix location (V1 refuses one). */
type SetupSettings = Pick<Settings, "erpnext" | "orders"> & { wix?: Pick<Settings["wix"], "locationId"> };

export interface SiteSetup {
  site: string;
  settings: SetupSettings;
  wix?: SetupWix;
}

export interface SetupPlan {
  apiUser?: string;
  problems: Problem[];
  /** Worth knowing, not blocking (a hand-made Webhook that also sends to our URL). */
  notes: string[];
  actions: Action[];
  wixCatalogVersion?: string;
  /** Each site's Wix catalog version (several sites). */
  wixCatalogVersions?: Record<string, string | undefined>;
}

/** Frappe's Webhook DocFields with `set_only_once` (webhook.json). */
const WEBHOOK_SET_ONLY_ONCE = ["webhook_doctype", "webhook_docevent"];
/** Custom Field: `dt` and `fieldname` make its name, so they never differ for one name. */
const CUSTOM_FIELD_SET_ONLY_ONCE = ["dt", "fieldname"];

/** Doctypes the flows read or write, with the roles that grant it (ERPNext's standard roles). */
const DOCTYPE_ROLES: [doctype: string, roles: string][] = [
  ["Item", "Stock User or Item Manager"],
  ["Item Price", "Sales User or Stock User"],
  // A site's ERPNEXT_ITEM_GROUPS: the catalog reads the group tree (lft/rgt).
  ["Item Group", "Stock User or Item Manager"],
  ["Bin", "Stock User"],
  ["Customer", "Sales User"],
  ["Address", "Sales User"],
  ["Sales Order", "Sales User"],
  ["Payment Entry", "Accounts User"],
  ["Delivery Note", "Stock User"],
  ["Sales Invoice", "Accounts User"],
];

export async function planSetup(deps: SetupDeps): Promise<SetupPlan> {
  const tick = deps.tick ?? (() => {});
  const problems: Problem[] = [];
  const notes: string[] = [];
  const plan: SetupPlan = { problems, notes, actions: [] };
  problems.push(...urlProblems(deps.webhookUrl, deps.settings.erpnext.url));

  try {
    plan.apiUser = await deps.erpnext.whoAmI();
  } catch (error) {
    problems.push({
      system: "ERPNext",
      what: `cannot sign in at ${deps.settings.erpnext.url}: ${errorMessage(error)}`,
      fix: "check ERPNEXT_URL and the API key pair (ERPNEXT_API_KEY, ERPNEXT_API_SECRET) of the integration user",
    });
  }
  tick("ERPNext user");
  if (plan.apiUser) {
    const canSetUp = await checkRoles(deps, plan.apiUser, problems);
    tick("ERPNext roles");
    if (deps.sites)
      for (const { site, settings } of deps.sites) {
        const found: Problem[] = [];
        await checkMasters({ ...deps, settings }, found, tick);
        problems.push(...found.map((p) => ({ ...p, site })));
      }
    else await checkMasters(deps, problems, tick);
    if (canSetUp) {
      plan.actions = await planDocuments(deps, plan.apiUser, notes, tick);
    }
  }
  if (deps.sites) {
    plan.wixCatalogVersions = {};
    for (const { site, wix: client, settings } of deps.sites) {
      if (!client) continue;
      const wix = await checkWix(client, tick, settings.wix?.locationId);
      plan.wixCatalogVersions[site] = wix.catalogVersion;
      problems.push(...wix.problems.map((p) => ({ ...p, site })));
    }
  } else if (deps.wix) {
    const wix = await checkWix(deps.wix, tick, deps.settings.wix?.locationId);
    plan.wixCatalogVersion = wix.catalogVersion;
    problems.push(...wix.problems);
  }
  return plan;
}

export interface SetupResult extends SetupPlan {
  applied: Action[];
  /** Writes ERPNext refused, each with its reason (the rest were made; a re-run finishes). */
  failed: { action: Action; reason: string }[];
  dryRun: boolean;
}

/** Checks, then writes unless a problem was found or `dryRun`. */
export async function runSetup(deps: SetupDeps, options: { dryRun?: boolean } = {}): Promise<SetupResult> {
  const plan = await planSetup(deps);
  const result: SetupResult = { ...plan, applied: [], failed: [], dryRun: Boolean(options.dryRun) };
  if (options.dryRun || plan.problems.length) return result;
  await applyActions(deps, plan.actions, result);
  return result;
}

/** Writes the planned documents; a refusal is recorded and the others still made. */
export async function applyActions(
  deps: Pick<SetupDeps, "erpnext" | "tick">,
  actions: readonly Action[],
  result: Pick<SetupResult, "applied" | "failed">,
): Promise<void> {
  for (const action of actions) {
    try {
      if (action.kind === "create") await deps.erpnext.insert(action.doctype, action.doc);
      else if (action.kind === "update") await deps.erpnext.update(action.doctype, action.name, action.patch);
      else if (action.kind === "replace") {
        await deps.erpnext.delete(action.doctype, action.name);
        await deps.erpnext.insert(action.doctype, action.doc);
      } else if (action.kind === "delete") await deps.erpnext.delete(action.doctype, action.name);
      result.applied.push(action);
    } catch (error) {
      result.failed.push({ action, reason: errorMessage(error) });
    }
    if (action.kind !== "unchanged") deps.tick?.(`${action.doctype} ${action.name}`);
  }
}

/** Setup's report in words: problems with fixes, or what was (or would be) done. */
export function describeSetup(result: SetupResult): string {
  const lines: string[] = [];
  if (result.apiUser) lines.push(`ERPNext API user: ${result.apiUser}`);
  if (result.wixCatalogVersion) lines.push(`Wix catalog: ${result.wixCatalogVersion}`);
  for (const [site, version] of Object.entries(result.wixCatalogVersions ?? {}))
    if (version) lines.push(`Wix catalog (site ${site}): ${version}`);
  if (result.problems.length) {
    lines.push(describeProblems(result.problems));
  } else {
    const done = !result.dryRun;
    const header = done ? "ERPNext documents:" : "plan (dry run, nothing written):";
    lines.push(header);
    for (const action of result.actions) {
      const failed = result.failed.find((f) => f.action === action);
      lines.push(
        `  ${failed ? `FAILED to ${describeAction(action)}: ${failed.reason}` : describeAction(action, done)}`,
      );
    }
    const count = (kind: Action["kind"]) => result.actions.filter((a) => a.kind === kind).length;
    const changed = result.actions.length - count("unchanged");
    lines.push(
      `${done ? "" : "would make "}${count("create")} created, ${count("update") + count("replace")} changed, ${count("delete")} deleted, ${count("unchanged")} left alone${changed ? "" : " (nothing to do)"}`,
    );
    if (result.failed.length)
      lines.push(`${result.failed.length} write(s) failed: fix the reason and run setup again`);
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}

function urlProblems(webhookUrl: string, erpnextUrl: string): Problem[] {
  const url = URL.parse(webhookUrl);
  if (!url || !/^https?:$/.test(url.protocol))
    return [
      {
        system: "setup",
        what: `webhook URL "${webhookUrl}" is not an http(s) URL`,
        fix: "pass --url https://<host>/webhooks/erpnext (or the ErpnextWebhookUrl output)",
      },
    ];
  const loopback = (u: URL | null) => Boolean(u && /^(localhost|127\.|\[::1\])/.test(u.hostname));
  if (loopback(url) && !loopback(URL.parse(erpnextUrl)))
    return [
      {
        system: "setup",
        what: `ERPNext at ${erpnextUrl} cannot reach the loopback webhook URL ${webhookUrl}`,
        fix: "pass --url with the public HTTPS address of /webhooks/erpnext (or the ErpnextWebhookUrl output)",
      },
    ];
  return [];
}

/**
 * System Manager is needed for Webhook and Custom Field (the only role in their `permissions`,
 * webhook.json and custom_field.json); the flows' doctypes are probed with a one-row read, where
 * a 403 names the missing right (a 404 is a doctype this site does not have).
 * Roles: `frappe.core.doctype.user.user.get_roles` (whitelisted, frappe/core/doctype/user/user.py).
 */
async function checkRoles(deps: SetupDeps, user: string, problems: Problem[]): Promise<boolean> {
  let canSetUp = true;
  try {
    const roles = await deps.erpnext.call<string[]>(
      "frappe.core.doctype.user.user.get_roles",
      { uid: user },
      "GET",
    );
    if (user !== "Administrator" && !roles.includes("System Manager")) {
      canSetUp = false;
      problems.push({
        system: "ERPNext",
        what: `the API user ${user} lacks the role System Manager, needed to create Webhook and Custom Field documents`,
        fix: `in ERPNext open User ${user} > Roles and tick System Manager (or run setup once with an administrator's API key)`,
      });
    }
  } catch (error) {
    problems.push({
      system: "ERPNext",
      what: `cannot read the roles of ${user}: ${errorMessage(error)}`,
      fix: `give ${user} the role System Manager`,
    });
    canSetUp = false;
  }
  for (const [doctype, roles] of DOCTYPE_ROLES) {
    try {
      await deps.erpnext.list(doctype, { fields: ["name"], pageLength: 1 });
    } catch (error) {
      if (error instanceof HttpError && error.status === 403)
        problems.push({
          system: "ERPNext",
          what: `the API user ${user} may not read ${doctype}`,
          fix: `give ${user} the role ${roles}`,
        });
      else if (!(error instanceof HttpError && error.status === 404)) throw error;
    }
  }
  return canSetUp;
}

/** Company, warehouses, price list, groups and every configured account, all read before any write. */
async function checkMasters(
  deps: SetupDeps,
  problems: Problem[],
  tick: (note: string) => void,
): Promise<void> {
  const { erpnext: e, orders: o } = deps.settings;
  const company = o.company;
  const missing = (doctype: string, name: string, setting: string) =>
    problems.push({
      system: "ERPNext",
      what: `${doctype} "${name}" (${setting}) does not exist`,
      fix: `create it in ERPNext, or set ${setting} to an existing ${doctype}`,
    });
  const read = async (doctype: string, name: string) => {
    const doc = await deps.erpnext.find<Record<string, unknown>>(doctype, name);
    tick(`${doctype} ${name}`);
    return doc;
  };

  if (company && !(await read("Company", company))) missing("Company", company, "ERPNEXT_COMPANY");
  const warehouses: [string, string][] = [
    ...e.warehouses.map((w): [string, string] => [w, "ERPNEXT_WAREHOUSES"]),
    ...(o.warehouse ? [[o.warehouse, "ERPNEXT_WAREHOUSE"] as [string, string]] : []),
  ];
  for (const [name, setting] of warehouses) {
    const doc = await read("Warehouse", name);
    if (!doc) missing("Warehouse", name, setting);
    else if (company && doc.company && doc.company !== company)
      problems.push({
        system: "ERPNext",
        what: `Warehouse "${name}" (${setting}) belongs to ${doc.company}, not ${company}`,
        fix: `use a warehouse of ${company} in ${setting}`,
      });
  }
  const priceList = await read("Price List", e.priceList);
  if (!priceList) missing("Price List", e.priceList, "ERPNEXT_PRICE_LIST");
  else if (priceList.selling === 0 || priceList.enabled === 0)
    problems.push({
      system: "ERPNext",
      what: `Price List "${e.priceList}" is ${priceList.enabled === 0 ? "disabled" : "not a selling price list"}`,
      fix: `enable it and tick Selling, or set ERPNEXT_PRICE_LIST to a selling price list`,
    });
  if (!(await read("Customer Group", o.customerGroup)))
    missing("Customer Group", o.customerGroup, "ERPNEXT_CUSTOMER_GROUP");
  if (!(await read("Territory", o.territory))) missing("Territory", o.territory, "ERPNEXT_TERRITORY");

  const accounts: { name: string; setting: string; types?: string[] }[] = [];
  if (o.paymentAccount)
    accounts.push({ name: o.paymentAccount, setting: "ERPNEXT_PAYMENT_ACCOUNT", types: ["Bank", "Cash"] });
  if (o.shippingAccount) accounts.push({ name: o.shippingAccount, setting: "ERPNEXT_SHIPPING_ACCOUNT" });
  if (o.feeAccount && o.feeAccount !== o.shippingAccount)
    accounts.push({ name: o.feeAccount, setting: "ERPNEXT_FEE_ACCOUNT" });
  if (o.taxAccount) accounts.push({ name: o.taxAccount, setting: "ERPNEXT_TAX_ACCOUNT" });
  for (const [tax, account] of Object.entries(o.taxAccounts))
    accounts.push({ name: account, setting: `ERPNEXT_TAX_ACCOUNTS (${tax})` });
  for (const { name, setting, types } of accounts) {
    const account = await read("Account", name);
    if (!account) {
      missing("Account", name, setting);
      continue;
    }
    if (Number(account.is_group) === 1)
      problems.push({
        system: "ERPNext",
        what: `Account "${name}" (${setting}) is a group; entries need a ledger account`,
        fix: `choose a ledger (non-group) account under it for ${setting}`,
      });
    if (company && account.company && account.company !== company)
      problems.push({
        system: "ERPNext",
        what: `Account "${name}" (${setting}) belongs to ${account.company}, not ${company}`,
        fix: `use an account of ${company} in ${setting}`,
      });
    // Payment Entry needs a Bank or Cash account to pay into (CONTRACTS 1.3; payment_entry.py).
    if (types && !types.includes(String(account.account_type ?? "")))
      problems.push({
        system: "ERPNext",
        what: `Account "${name}" (${setting}) has type "${account.account_type ?? ""}", not ${types.join(" or ")}`,
        fix: `set its Account Type to ${types.join(" or ")}, or choose a bank or cash account`,
      });
  }
}

/** Reads every Webhook and Custom Field setup manages and plans each one. */
async function planDocuments(
  deps: SetupDeps,
  apiUser: string,
  notes: string[],
  tick: (note: string) => void,
): Promise<Action[]> {
  const actions: Action[] = [];
  const wanted = wantedWebhooks({
    url: deps.webhookUrl,
    secret: deps.settings.erpnext.webhookSecret,
    apiUser,
  });
  for (const doc of wanted) {
    const existing = await deps.erpnext.find<Record<string, unknown>>("Webhook", doc.name);
    // The secret is a Password field: ERPNext answers it masked; System Manager may read it
    // (frappe.client.get_password, frappe/client.py: only_for("System Manager")).
    const secret = existing ? await storedSecret(deps.erpnext, doc.name) : undefined;
    actions.push(
      planDocument("Webhook", { ...doc }, existing, {
        setOnlyOnce: WEBHOOK_SET_ONLY_ONCE,
        passwords: { webhook_secret: secret },
      }),
    );
    tick(`Webhook ${doc.name}`);
  }
  const ours = await deps.erpnext.listAll<{ name: string; request_url?: string }>("Webhook", {
    fields: ["name", "request_url"],
  });
  const wantedNames = new Set(wanted.map((w) => w.name));
  for (const hook of ours) {
    if (hook.name.startsWith(`${WEBHOOK_NAME_PREFIX} `) && !wantedNames.has(hook.name))
      actions.push({ kind: "delete", doctype: "Webhook", name: hook.name });
    else if (!hook.name.startsWith(`${WEBHOOK_NAME_PREFIX} `) && hook.request_url === deps.webhookUrl)
      notes.push(
        `Webhook "${hook.name}" (not made by setup) also sends to ${deps.webhookUrl}: once setup's are in place, disable it so changes are not sent twice`,
      );
  }
  for (const field of CUSTOM_FIELDS) {
    const existing = await deps.erpnext.find<Record<string, unknown>>("Custom Field", field.name);
    const wantedField = { ...field, ...(field.options === undefined ? { options: "" } : {}) };
    actions.push(
      planDocument("Custom Field", wantedField, existing, { setOnlyOnce: CUSTOM_FIELD_SET_ONLY_ONCE }),
    );
    tick(`Custom Field ${field.name}`);
  }
  return actions;
}

async function storedSecret(erpnext: SetupErpnext, name: string): Promise<string | undefined> {
  try {
    return await erpnext.call<string>(
      "frappe.client.get_password",
      { doctype: "Webhook", name, fieldname: "webhook_secret" },
      "GET",
    );
  } catch {
    return undefined; // unreadable: planned as changed, so the secret is written again
  }
}
