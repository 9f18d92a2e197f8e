import { PermanentError } from "../../errors";
import { QUEUES } from "../../flows/registry";
import type { Core } from "../../runtime/core";
import { progress } from "../progress";
import type { AuditExpectations } from "./compare";
import { erpnextAuditReader, orderContextReader, wixAuditReader } from "./readers";
import { type AuditResult, parsePeriod, previousMonth, runAudit, summaryOf } from "./run";

/** A stored report keeps this many differences (the counts are always whole): a DynamoDB item is at most 400 KB. */
export const STORED_DIFFERENCES = 500;

/** What the settings say the integration puts into ERPNext. */
export function expectationsOf(settings: Core["settings"]): AuditExpectations {
  return {
    submit: settings.orders.submit,
    createOn: settings.orders.createOn,
    // INVOICE_ON (`settings.billing`, which the billing flow adds); without it nothing is invoiced.
    invoiceOn:
      (settings as { billing?: { invoiceOn?: AuditExpectations["invoiceOn"] } }).billing?.invoiceOn ??
      "never",
  };
}

/**
 * The `monthly-audit` job: the previous calendar month (UTC), or `from`/`to` when given (a run by
 * hand: `npm run audit`). The result is stored (`REPORT`, `audit#<ranAt>`) and its summary shows
 * in the weekly report.
 */
export async function monthlyAudit(
  ctx: Core,
  input: { from?: string; to?: string } = {},
  now = new Date(),
): Promise<AuditResult> {
  let period = previousMonth(now);
  if (input.from !== undefined || input.to !== undefined) {
    const parsed = parsePeriod(input.from, input.to);
    if (!parsed.period) throw new PermanentError(`audit period: ${parsed.problems.join("; ")}`);
    period = parsed.period;
  }
  const expect = expectationsOf(ctx.settings);
  const result = await runAudit(
    {
      wix: wixAuditReader(ctx.wix, (productId, variantId) => ctx.state.itemForProduct(productId, variantId)),
      erpnext: erpnextAuditReader(ctx.erpnext, { invoices: expect.invoiceOn !== "never", site: ctx.site }),
      context: orderContextReader({
        orders: (ids) => ctx.state.getOrders(ids),
        parked: async () => (await Promise.all(QUEUES.map((q) => ctx.queue.parkedMessages(q)))).flat(),
      }),
      expect,
    },
    period,
    { progress: progress(`audit ${period.from}..${period.to}`), maxDifferences: STORED_DIFFERENCES },
  );
  await ctx.state.saveReport("audit", result.ranAt, result);
  return result;
}

export { summaryOf };
