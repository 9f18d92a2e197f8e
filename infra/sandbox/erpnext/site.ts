import { randomUUID } from "node:crypto";
import type { ErpnextWrite } from "#shared/erpnext/frappe-facts";
import { FrappeClock } from "../kit";
import type { Doc, Doctype } from "./doctype";
import { FrappeError } from "./errors";
import { filterDocs } from "./filters";
import { moveBin } from "./stock";
import { ErpnextWebhooks } from "./webhooks";

export interface ErpnextSandboxOptions {
  apiKey: string;
  apiSecret: string;
  /** The user of the API key pair (what `frappe.auth.get_logged_user` answers). */
  apiUser?: string;
  /** Its roles; tests drop System Manager to see setup refuse. */
  apiUserRoles?: string[];
}

/** The integration user of the sandbox's API key. */
export const SANDBOX_API_USER = "integration@example.com";
/** The user of in-process calls (tests, demo, `_desk` token): a person at the desk. */
export const DESK_USER = "Administrator";
/** The roles a full integration user has (System Manager for setup; the rest for the flows). */
export const INTEGRATION_ROLES = [
  "System Manager",
  "Stock User",
  "Stock Manager",
  "Item Manager",
  "Sales User",
  "Accounts User",
];

/** The events a Frappe document change runs hooks for (frappe/model/document.py). */
export type DocEvent =
  | "after_insert"
  | "on_update"
  | "on_submit"
  | "on_cancel"
  | "on_trash"
  | "on_change"
  | "on_update_after_submit";

/** One write the site received over REST, with the document's docstatus before it. */
export type RestWrite = ErpnextWrite;

/**
 * The documents of one site and Frappe's document lifecycle (frappe/model/document.py): insert
 * (mandatory fields, links, naming, duplicates), save (the `modified` check), submit, cancel and
 * delete, each running its doctype's hooks and announcing the change by webhook.
 */
export class ErpnextSite {
  readonly docs = new Map<string, Map<string, Doc>>();
  /**
   * Selling Settings `allow_against_multiple_purchase_orders`: a second order with the same po_no
   * then only warns, as every order did on older releases (validate_po,
   * erpnext/selling/doctype/sales_order/sales_order.py). Our claim and po_no lookup must hold alone.
   */
  allowMultiplePurchaseOrders = false;
  /**
   * A tax row ERPNext adds on its own to every Sales Order, standing for the server-side rules
   * that change a total after we computed it (Accounts Settings `add_taxes_from_item_tax_template`
   * appends rows from Item Tax Templates, erpnext/controllers/accounts_controller.py).
   */
  addedTaxRow?: { account_head: string; tax_amount: number };
  /**
   * Every write received over REST, when a test asks for it (`recordWrites()`): the contract test
   * (tests/contract/erpnext.test.ts) checks each against Frappe's rules (shared/erpnext/frappe-facts.ts).
   */
  writes?: RestWrite[];
  /** Who the current call acts as: the desk user, or the API user during a REST call. */
  user = DESK_USER;
  readonly apiUser: string;
  apiUserRoles: string[];
  protected counters = new Map<string, number>();
  protected readonly webhooks = new ErpnextWebhooks();
  private readonly doctypes: Map<string, Doctype>;
  private readonly clock = new FrappeClock();

  constructor(doctypes: Doctype[], options: ErpnextSandboxOptions) {
    this.doctypes = new Map(doctypes.map((d) => [d.name, d]));
    this.apiUser = options.apiUser ?? SANDBOX_API_USER;
    this.apiUserRoles = options.apiUserRoles ?? [...INTEGRATION_ROLES];
  }

  /** Starts (or restarts) the log of writes received over REST. */
  recordWrites(): RestWrite[] {
    this.writes = [];
    return this.writes;
  }

  /** Logs a REST write when recording, with the stored document's docstatus before it. */
  noteWrite(write: Omit<RestWrite, "docstatusBefore">): void {
    if (!this.writes) return;
    const before = write.name ? this.docs.get(write.doctype)?.get(write.name)?.docstatus : undefined;
    this.writes.push({ ...structuredClone(write), docstatusBefore: before });
  }

  /** The doctype's definition, if the site has it. */
  spec(doctype: string): Doctype | undefined {
    return this.doctypes.get(doctype);
  }

  /** Runs `fn` as `user` (a REST call as its API user); synchronous, like the site's methods. */
  asUser<T>(user: string, fn: () => T): T {
    const previous = this.user;
    this.user = user;
    try {
      return fn();
    } finally {
      this.user = previous;
    }
  }

  /** Frappe's `get_roles`: Administrator has every role, everyone has All and Guest. */
  rolesOf(user: string): string[] {
    if (user === DESK_USER) return ["Administrator", ...INTEGRATION_ROLES, "All", "Guest"];
    if (user === this.apiUser) return [...this.apiUserRoles, "All", "Guest"];
    return ["All", "Guest"];
  }

  /** A doctype with `roles` is refused (403) to a user with none of them (frappe/permissions.py). */
  checkPermission(doctype: string, user = this.user): void {
    const roles = this.doctypes.get(doctype)?.roles;
    const mine = this.rolesOf(user);
    if (roles && !mine.includes("Administrator") && !roles.some((r) => mine.includes(r)))
      throw new FrappeError(403, "PermissionError", `No permission for ${doctype}`);
  }

  /**
   * A `wix_*` field exists only once its Custom Field does: like Frappe, which silently ignores
   * values for fields the doctype does not have (BaseDocument.get_valid_dict keeps only meta fields).
   */
  private keepKnownFields(doctype: string, input: Record<string, unknown>): Record<string, unknown> {
    const fields = this.docs.get("Custom Field");
    const unknown = Object.keys(input).filter((k) => k.startsWith("wix_") && !fields?.has(`${doctype}-${k}`));
    if (!unknown.length) return input;
    const kept = { ...input };
    for (const k of unknown) delete kept[k];
    return kept;
  }

  /** A Custom Field with `allow_on_submit` may change on a submitted document. */
  private allowedOnSubmit(doctype: string, field: string): boolean {
    return Boolean(this.docs.get("Custom Field")?.get(`${doctype}-${field}`)?.allow_on_submit);
  }

  /** A Frappe timestamp, later than every one given before. */
  now(): string {
    return this.clock.now();
  }

  table(doctype: string): Map<string, Doc> {
    if (!this.doctypes.has(doctype))
      throw new FrappeError(404, "DoesNotExistError", `DocType ${doctype} not found`);
    let t = this.docs.get(doctype);
    if (!t) {
      t = new Map();
      this.docs.set(doctype, t);
    }
    return t;
  }

  get(doctype: string, name: string): Doc {
    const doc = this.table(doctype).get(name);
    if (!doc) throw new FrappeError(404, "DoesNotExistError", `${doctype} ${name} not found`);
    return structuredClone(doc);
  }

  nextName(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${String(n).padStart(5, "0")}`;
  }

  uniqueName(doctype: string, base: string): string {
    const t = this.table(doctype);
    if (!t.has(base)) return base;
    for (let i = 1; ; i++) if (!t.has(`${base}-${i}`)) return `${base}-${i}`;
  }

  /**
   * The name of an amendment (a cancelled document saved again with `amended_from`): the original's
   * name and `-1`, the next number for an amendment of an amendment (frappe/model/naming.py
   * `_get_amended_name`). Only a cancelled document may be amended (frappe/model/document.py
   * validate_amended_from).
   */
  private amendedName(doctype: string, from: string): string {
    const original = this.table(doctype).get(from);
    if (original?.docstatus !== 2)
      throw new FrappeError(
        417,
        "ValidationError",
        `${doctype} ${from} cannot be amended because it is not cancelled. Please cancel the document before creating an amendment.`,
      );
    if (!original.amended_from) return `${from}-1`;
    const cut = from.lastIndexOf("-");
    return `${from.slice(0, cut)}-${(Number.parseInt(from.slice(cut + 1), 10) || 0) + 1}`;
  }

  /** Saved as the session user (`user`): Frappe sets owner and modified_by to it. */
  insert(doctype: string, input: Record<string, unknown>, opts: { silent?: boolean } = {}): Doc {
    const table = this.table(doctype);
    const spec = this.doctypes.get(doctype) as Doctype;
    input = this.keepKnownFields(doctype, input);
    if (spec.prepare) input = spec.prepare(input);
    const missing = spec.required.filter(
      (f) =>
        input[f] === undefined ||
        input[f] === null ||
        input[f] === "" ||
        (Array.isArray(input[f]) && !(input[f] as unknown[]).length),
    );
    if (missing.length) {
      throw new FrappeError(417, "MandatoryError", `[${doctype}]: ${missing.join(", ")}`);
    }
    this.checkLinks(spec, input);
    const name = input.amended_from
      ? this.amendedName(doctype, String(input.amended_from))
      : input.name && !spec.seriesOnly
        ? String(input.name)
        : spec.naming(input, this);
    if (table.has(name))
      throw new FrappeError(409, "DuplicateEntryError", `${doctype} ${name} already exists`);
    const wantSubmit = Number(input.docstatus ?? 0) === 1;
    if (wantSubmit && !spec.submittable)
      throw new FrappeError(417, "ValidationError", `${doctype} is not submittable`);
    const doc = {
      ...structuredClone(input),
      doctype,
      name,
      owner: this.user,
      creation: this.now(),
      modified: this.now(),
      modified_by: this.user,
      docstatus: 0,
    } as Doc;
    nameChildRows(doc);
    spec.validate?.(doc, this);
    table.set(name, doc);
    if (wantSubmit) this.submit(doc);
    // on_update runs on insert too (Document.insert -> run_post_save_methods); on_change does not
    // reach webhooks while inserting (frappe/integrations/webhook/__init__.py run_webhooks).
    if (!opts.silent)
      this.announce(doc, ["after_insert", "on_update", ...(wantSubmit ? ["on_submit" as const] : [])]);
    return structuredClone(doc);
  }

  update(doctype: string, name: string, patch: Record<string, unknown>): Doc {
    const current = this.table(doctype).get(name);
    if (!current) throw new FrappeError(404, "DoesNotExistError", `${doctype} ${name} not found`);
    const spec = this.doctypes.get(doctype) as Doctype;
    patch = this.keepKnownFields(doctype, patch);
    // A Password field sent back as its mask keeps its value (Document._save_passwords).
    for (const field of spec.passwords ?? [])
      if (typeof patch[field] === "string" && /^\*+$/.test(patch[field] as string)) {
        const { [field]: _masked, ...rest } = patch;
        patch = rest;
      }
    const nextStatus = patch.docstatus === undefined ? current.docstatus : Number(patch.docstatus);
    if (current.docstatus === 2)
      throw new FrappeError(417, "ValidationError", `Cannot edit cancelled ${doctype} ${name}`);
    if (current.docstatus === 1) {
      const other = Object.keys(patch).filter((k) => k !== "docstatus" && k !== "modified");
      // Fields marked allow_on_submit (in the DocType or by a Custom Field) change on a submitted
      // document (validate_update_after_submit); Frappe then runs on_change, never
      // on_update_after_submit webhooks (run_webhooks).
      const allowed = new Set(spec.allowOnSubmit ?? []);
      if (
        nextStatus === 1 &&
        other.length &&
        other.every((k) => allowed.has(k) || this.allowedOnSubmit(doctype, k))
      ) {
        if (patch.modified && patch.modified !== current.modified)
          throw new FrappeError(
            417,
            "TimestampMismatchError",
            "Document has been modified after you have opened it",
          );
        for (const k of other) current[k] = structuredClone(patch[k]);
        current.modified = this.now();
        current.modified_by = this.user;
        this.announce(current, "on_change");
        return structuredClone(current);
      }
      if (nextStatus !== 2 || other.length) {
        throw new FrappeError(
          417,
          "UpdateAfterSubmitError",
          `Not allowed to change ${other.join(", ") || "docstatus"} after submission`,
        );
      }
      this.cancel(current);
      current.modified_by = this.user;
      this.announce(current, ["on_cancel", "on_change"]);
      return structuredClone(current);
    }
    if (nextStatus === 2) throw new FrappeError(417, "ValidationError", "Cannot cancel before submitting");
    if (patch.modified && patch.modified !== current.modified) {
      throw new FrappeError(
        417,
        "TimestampMismatchError",
        "Document has been modified after you have opened it",
      );
    }
    this.checkLinks(spec, patch);
    const { docstatus: _d, name: _n, doctype: _t, ...fields } = patch;
    const before = structuredClone(current);
    const next = Object.assign(structuredClone(current), structuredClone(fields), {
      modified: this.now(),
      modified_by: this.user,
    });
    spec.validate?.(next, this, before);
    Object.assign(current, next);
    nameChildRows(current);
    if (nextStatus === 1) this.submit(current);
    this.announce(current, ["on_update", ...(nextStatus === 1 ? ["on_submit" as const] : []), "on_change"]);
    return structuredClone(current);
  }

  remove(doctype: string, name: string): void {
    const doc = this.table(doctype).get(name);
    if (!doc) throw new FrappeError(404, "DoesNotExistError", `${doctype} ${name} not found`);
    if (doc.docstatus === 1)
      throw new FrappeError(417, "ValidationError", "Submitted documents cannot be deleted");
    this.table(doctype).delete(name);
    this.announce(doc, ["on_trash"]);
  }

  /** The doctype's documents that pass Frappe list filters. */
  filtered(doctype: string, filters: unknown): Doc[] {
    return filterDocs(this.table(doctype).values(), filters);
  }

  /** Moves an item's Bin in a warehouse, as a stock transaction does (no webhook). */
  moveBin(itemCode: string, warehouse: string, delta: { actual?: number; reserved?: number }): Doc {
    return moveBin(this, itemCode, warehouse, delta);
  }

  /** The whitelisted method at this dotted path, if a doctype of the site serves it. */
  method(path: string): ((args: Record<string, unknown>, site: ErpnextSite) => unknown) | undefined {
    for (const spec of this.doctypes.values()) if (spec.methods?.[path]) return spec.methods[path];
    return undefined;
  }

  /** Whether the site has this doctype (a rule may depend on one another helper adds). */
  hasDoctype(doctype: string): boolean {
    return this.doctypes.has(doctype);
  }

  /** Quiet inserts for demo data and tests: no webhook, like Data Import. */
  importDoc(doctype: string, doc: Record<string, unknown>): Doc {
    return this.insert(doctype, doc, { silent: true });
  }

  /** Sends the change to the site's Webhook documents for its doctype and these events. */
  announce(doc: Doc, events: DocEvent | DocEvent[] = "on_update"): void {
    const hooks = this.docs.get("Webhook");
    if (hooks?.size) this.webhooks.fire(doc, Array.isArray(events) ? events : [events], [...hooks.values()]);
  }

  private submit(doc: Doc): void {
    doc.docstatus = 1;
    doc.modified = this.now();
    this.doctypes.get(doc.doctype)?.onSubmit?.(doc, this);
  }

  private cancel(doc: Doc): void {
    this.doctypes.get(doc.doctype)?.onCancel?.(doc, this);
    doc.docstatus = 2;
    doc.modified = this.now();
  }

  private checkLinks(spec: Doctype, doc: Record<string, unknown>): void {
    for (const [field, target] of Object.entries(spec.links ?? {})) {
      const value = doc[field];
      if (value && !this.table(target).has(String(value))) {
        throw new FrappeError(417, "LinkValidationError", `Could not find ${target}: ${value}`);
      }
    }
  }
}

/**
 * Every child row has its own `name` (a random hash), `parent`, `parenttype` and `idx`
 * (frappe/model/base_document.py set_new_name / _set_defaults): other documents point at a row by
 * its name (a Sales Invoice Item's `so_detail`, a Payment Entry advance's `reference_row`).
 */
function nameChildRows(doc: Doc): void {
  for (const value of Object.values(doc)) {
    if (!Array.isArray(value)) continue;
    value.forEach((row, i) => {
      if (!row || typeof row !== "object") return;
      row.name ??= randomUUID().replace(/-/g, "").slice(0, 10);
      row.parent = doc.name;
      row.parenttype = doc.doctype;
      row.idx ??= i + 1;
    });
  }
}
