/**
 * Frappe's document API as the flows see it (REST v1, frappe/api/v1.py; `ErpnextClient` in
 * shared/erpnext/client.ts implements it and turns transport failures into shared/errors.ts
 * conditions). Each flow's port picks the calls it makes: `Pick<ErpnextDocuments, "get" | ...>`.
 */
/**
 * Most names one `in` filter carries: lists travel in the GET query string, and nginx in front of
 * Frappe refuses request lines over 8 KB by default (414) - 100 codes stay well below.
 */
export const ERPNEXT_IN_FILTER = 100;

/** `[field, op, value]`, or `[child doctype, field, op, value]`: a document matches when one of its rows does. */
export type DocFilter = [string, string, unknown] | [string, string, string, unknown];

export interface ErpnextDocuments {
  get<T = Record<string, unknown>>(doctype: string, name: string): Promise<T>;
  /** Undefined for a document that does not exist. */
  find<T = Record<string, unknown>>(doctype: string, name: string): Promise<T | undefined>;
  /** One page; `pageLength` rows at most. */
  list<T = Record<string, unknown>>(
    doctype: string,
    opts: { fields: string[]; filters?: DocFilter[]; orderBy?: string; start?: number; pageLength?: number },
  ): Promise<T[]>;
  /** Every row, page by page. */
  listAll<T = Record<string, unknown>>(
    doctype: string,
    opts: { fields: string[]; filters?: DocFilter[]; orderBy?: string; pageLength?: number },
  ): Promise<T[]>;
  insert<T = Record<string, unknown>>(doctype: string, doc: Record<string, unknown>): Promise<T>;
  /** A patch; `{docstatus: 1}` submits, `{docstatus: 2}` cancels; allow_on_submit fields change after submit. */
  update<T = Record<string, unknown>>(
    doctype: string,
    name: string,
    patch: Record<string, unknown>,
  ): Promise<T>;
  /** Deletes a draft; NotFoundError when it is not there. */
  delete(doctype: string, name: string): Promise<void>;
  /** A whitelisted method (`/api/method/<method>`): its `message`. */
  call<T = unknown>(method: string, args?: Record<string, unknown>): Promise<T>;
  /** A whitelisted mapper's unsaved document (`make_delivery_note`, `make_sales_invoice`, ...). */
  mapDocument<T = Record<string, unknown>>(method: string, sourceName: string): Promise<T>;
}
