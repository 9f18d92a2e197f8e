import type { ErpnextSite } from "./site";

/** A stored document: its fields and Frappe's standard ones. */
export type Doc = Record<string, unknown> & {
  name: string;
  doctype: string;
  modified: string;
  docstatus: number;
};

/**
 * A DocType: its mandatory fields, Link fields, naming, and the controller hooks Frappe runs
 * (validate on every save, on_submit, on_cancel). A hook throws `FrappeError` to refuse.
 */
export interface Doctype {
  name: string;
  required: string[];
  /** Link fields and the doctype each names. */
  links?: Record<string, string>;
  naming: (doc: Record<string, unknown>, site: ErpnextSite) => string;
  /** The naming series names it, whatever `name` the request sends. */
  seriesOnly?: boolean;
  submittable?: boolean;
  /** This site has a Webhook document announcing the doctype's changes. */
  announced?: boolean;
  /** Fields a submitted document may still change (`allow_on_submit` in its DocType JSON). */
  allowOnSubmit?: string[];
  /**
   * Whitelisted methods of the doctype's module, served at `/api/method/<dotted path>` (the mappers:
   * `...sales_order.make_delivery_note`); each takes the request's arguments and returns `message`.
   */
  methods?: Record<string, (args: Record<string, unknown>, site: ErpnextSite) => unknown>;
  /** Cleans the request before naming (Item strips its code). */
  prepare?: (input: Record<string, unknown>) => Record<string, unknown>;
  validate?: (doc: Doc, site: ErpnextSite) => void;
  onSubmit?: (doc: Doc, site: ErpnextSite) => void;
  onCancel?: (doc: Doc, site: ErpnextSite) => void;
}

/** A naming series: PREFIX00001, PREFIX00002, ... */
export const series = (prefix: string) => (_doc: Record<string, unknown>, site: ErpnextSite) =>
  site.nextName(prefix);

export const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;
