import { FaultInjector, Router, type SimRequest, type SimResponse, withFaults } from "../kit";
import { address } from "./address";
import { customField } from "./custom-field";
import { deliveryNote } from "./delivery-note";
import type { Doctype } from "./doctype";
import { errorResponse, FrappeError, faultResponse } from "./errors";
import {
  customer,
  item,
  itemPrice,
  seedAccounts,
  seedCompanies,
  seedCountries,
  seedMasters,
  seedSystemSettings,
  setupMasters,
} from "./masters";
import { renumberTree } from "./nestedset";
import { paymentEntry } from "./payment-entry";
import { restRoutes } from "./rest";
import { salesInvoice, salesInvoiceMethods } from "./sales-invoice";
import { salesOrder } from "./sales-order";
import { DESK_USER, type ErpnextSandboxOptions, ErpnextSite } from "./site";
import { type ErpnextSnapshot, restoreDocs, snapshotOf } from "./snapshot";
import { bin, stockEntry, stockLedgerEntry } from "./stock";
import { webhook } from "./webhook-doctype";

/**
 * A strict, in-memory ERPNext (Frappe REST v1) for the local host and the tests: token auth,
 * `{data}` envelopes, Frappe error bodies with double-encoded `_server_messages`,
 * 401/403/404/409/417/429 as the real server answers them, default page length 20 and default
 * fields `name`, mandatory and link validation, submit/cancel, the po_no guard, stock Bins that
 * change without webhooks, and real signed webhooks (v14/v15 byte format) after each commit.
 *
 * One file per doctype (or family). To add one (say Delivery Note): write `delivery-note.ts`
 * exporting a `Doctype` (doctype.ts): its mandatory fields, links, naming, `submittable`, and the
 * controller hooks `validate`, `onSubmit`, `onCancel` (throw `FrappeError` to refuse), and add it
 * to DOCTYPES below. The REST API (rest.ts), filters, webhooks and snapshots then serve it with no
 * other change; what is announced is decided by the site's Webhook documents (webhook-doctype.ts),
 * which `npm run setup` makes (shared/setup/webhooks.ts), as in ERPNext.
 */
const DOCTYPES: Doctype[] = [
  item,
  itemPrice,
  customer,
  address,
  salesOrder,
  deliveryNote,
  salesInvoice,
  paymentEntry,
  stockEntry,
  stockLedgerEntry,
  bin,
  webhook,
  customField,
  ...setupMasters,
];

/** A second key pair, acting as Administrator: a person's changes over REST (demos, chaos). */
export const SANDBOX_DESK_TOKEN = "sandbox-desk-key:sandbox-desk-secret";

export type { ErpnextSandboxOptions, ErpnextSnapshot };

export class ErpnextSandbox extends ErpnextSite {
  readonly router = new Router();
  readonly faults = new FaultInjector();
  /** Requests answered, reads (GET) and writes, for benchmarks. */
  readonly calls = { reads: 0, writes: 0 };

  constructor(private readonly options: ErpnextSandboxOptions) {
    super(DOCTYPES, options);
    // Exact method paths first: the router takes the first match, and restRoutes serves every
    // other `/method/:method` from the doctypes' `methods`.
    salesInvoiceMethods(this.router, this);
    restRoutes(this.router, this);
    seedMasters(this);
  }

  /** Every webhook delivery attempt. */
  get webhookLog(): { doctype: string; name: string; status: number | string }[] {
    return this.webhooks.log;
  }

  handle(req: SimRequest): Promise<SimResponse> {
    return withFaults(
      this.faults,
      req,
      (r) => this.serve(r),
      (fault) => faultResponse(fault.status, fault.body),
    );
  }

  private async serve(req: SimRequest): Promise<SimResponse> {
    const matched = this.router.match(req.method, req.path);
    if (!matched) return errorResponse(new FrappeError(404, "PageDoesNotExistError", `no route ${req.path}`));
    const open = req.path === "/api/method/ping";
    const user = this.userOf(req.headers.authorization);
    if (!open && !user) {
      return errorResponse(new FrappeError(401, "AuthenticationError", "Invalid authentication credentials"));
    }
    if (req.method === "GET") this.calls.reads++;
    else this.calls.writes++;
    try {
      // The routes are synchronous: the whole call runs as its user.
      return await this.asUser(user ?? "Guest", () => matched.route.fn({ ...req, params: matched.params }));
    } catch (error) {
      if (error instanceof FrappeError) return errorResponse(error);
      return errorResponse(new FrappeError(500, "InternalError", (error as Error).message));
    }
  }

  /**
   * The user of `token key:secret`, or of Basic with the same pair (validate_auth_via_api_keys,
   * frappe/auth.py): the integration's pair is its API user, the desk pair is Administrator.
   */
  private userOf(header: string | undefined): string | undefined {
    if (!header) return undefined;
    const pairs: [string, string][] = [
      [`${this.options.apiKey}:${this.options.apiSecret}`, this.apiUser],
      [SANDBOX_DESK_TOKEN, DESK_USER],
    ];
    for (const [pair, user] of pairs)
      if (header === `token ${pair}` || header === `Basic ${Buffer.from(pair).toString("base64")}`)
        return user;
    return undefined;
  }

  /** Runs before each webhook delivery (kit.ts BeforeDelivery): the host saves the sandbox there. */
  beforeWebhook(commit: () => void): void {
    this.webhooks.beforeDelivery = commit;
  }

  /** Resolves when every webhook sent so far has been delivered or given up. */
  webhooksSettled(): Promise<void> {
    return this.webhooks.settled();
  }

  setWebhookTarget(url: string | undefined): void {
    this.webhooks.setTarget(url);
  }

  /** Everything the site holds, to survive a restart of the local host. */
  snapshot(): ErpnextSnapshot {
    return snapshotOf(this.docs, this.counters);
  }

  restore(snapshot: ErpnextSnapshot): void {
    this.counters = restoreDocs(this.docs, snapshot);
    // Snapshots saved before the sandbox held ERPNext's Country list with codes catch up here.
    seedCountries(this);
    seedCompanies(this);
    seedAccounts(this);
    seedSystemSettings(this);
    renumberTree(this, "Item Group", "parent_item_group");
  }
}
