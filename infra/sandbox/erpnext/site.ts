import { FrappeClock } from "../kit";
import type { Doc, Doctype } from "./doctype";
import { FrappeError } from "./errors";
import { filterDocs } from "./filters";
import { moveBin } from "./stock";
import { ErpnextWebhooks } from "./webhooks";

export interface ErpnextSandboxOptions {
  apiKey: string;
  apiSecret: string;
  /** Where webhooks go, and the Webhook doctype's secret. */
  webhookUrl?: string;
  webhookSecret?: string;
}

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
  protected counters = new Map<string, number>();
  protected readonly webhooks: ErpnextWebhooks;
  private readonly doctypes: Map<string, Doctype>;
  private readonly clock = new FrappeClock();

  constructor(doctypes: Doctype[], options: ErpnextSandboxOptions) {
    this.doctypes = new Map(doctypes.map((d) => [d.name, d]));
    this.webhooks = new ErpnextWebhooks(options);
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

  insert(doctype: string, input: Record<string, unknown>, opts: { silent?: boolean } = {}): Doc {
    const table = this.table(doctype);
    const spec = this.doctypes.get(doctype) as Doctype;
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
    const name = input.name && !spec.seriesOnly ? String(input.name) : spec.naming(input, this);
    if (table.has(name))
      throw new FrappeError(409, "DuplicateEntryError", `${doctype} ${name} already exists`);
    const wantSubmit = Number(input.docstatus ?? 0) === 1;
    if (wantSubmit && !spec.submittable)
      throw new FrappeError(417, "ValidationError", `${doctype} is not submittable`);
    const doc = {
      ...structuredClone(input),
      doctype,
      name,
      owner: "integration@example.com",
      creation: this.now(),
      modified: this.now(),
      modified_by: "integration@example.com",
      docstatus: 0,
    } as Doc;
    spec.validate?.(doc, this);
    table.set(name, doc);
    if (wantSubmit) this.submit(doc);
    if (!opts.silent) this.announce(doc);
    return structuredClone(doc);
  }

  update(doctype: string, name: string, patch: Record<string, unknown>): Doc {
    const current = this.table(doctype).get(name);
    if (!current) throw new FrappeError(404, "DoesNotExistError", `${doctype} ${name} not found`);
    const spec = this.doctypes.get(doctype) as Doctype;
    const nextStatus = patch.docstatus === undefined ? current.docstatus : Number(patch.docstatus);
    if (current.docstatus === 2)
      throw new FrappeError(417, "ValidationError", `Cannot edit cancelled ${doctype} ${name}`);
    if (current.docstatus === 1) {
      const other = Object.keys(patch).filter((k) => k !== "docstatus" && k !== "modified");
      // Fields marked allow_on_submit change on a submitted document (Update After Submit);
      // Frappe then runs on_change, never on_update_after_submit webhooks (run_webhooks).
      const allowed = new Set(spec.allowOnSubmit ?? []);
      if (nextStatus === 1 && other.length && other.every((k) => allowed.has(k))) {
        if (patch.modified && patch.modified !== current.modified)
          throw new FrappeError(
            417,
            "TimestampMismatchError",
            "Document has been modified after you have opened it",
          );
        for (const k of other) current[k] = structuredClone(patch[k]);
        current.modified = this.now();
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
      this.announce(current);
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
    Object.assign(current, structuredClone(fields), { modified: this.now() });
    spec.validate?.(current, this);
    if (nextStatus === 1) this.submit(current);
    this.announce(current);
    return structuredClone(current);
  }

  remove(doctype: string, name: string): void {
    const doc = this.table(doctype).get(name);
    if (!doc) throw new FrappeError(404, "DoesNotExistError", `${doctype} ${name} not found`);
    if (doc.docstatus === 1)
      throw new FrappeError(417, "ValidationError", "Submitted documents cannot be deleted");
    this.table(doctype).delete(name);
    this.announce(doc, "on_trash");
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

  /** Sends the change to the Webhook documents of its doctype, if the site has one. */
  announce(doc: Doc, event = "on_update"): void {
    if (this.doctypes.get(doc.doctype)?.announced) this.webhooks.announce(doc, event);
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
