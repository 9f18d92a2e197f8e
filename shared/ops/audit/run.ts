import type { Progress } from "../progress";
import {
  type AuditExpectations,
  compareOrder,
  DIFFERENCE_KINDS,
  type Difference,
  type DifferenceKind,
  type ErpnextOrderSide,
} from "./compare";
import type { AuditPeriod, ErpnextAuditReader, OrderContextReader, WixAuditReader } from "./ports";

export interface AuditSummary {
  from: string;
  to: string;
  ranAt: string;
  checked: number;
  agreeing: number;
  differing: number;
  /** Differences by cause (an order can have several). */
  byKind: Record<DifferenceKind, number>;
}

export interface AuditResult extends AuditSummary {
  differences: Difference[];
  /** Differences left out of `differences` to keep a stored report small (the counts are whole). */
  leftOut: number;
}

export interface AuditDeps {
  wix: WixAuditReader;
  erpnext: ErpnextAuditReader;
  context: OrderContextReader;
  expect: AuditExpectations;
}

const EMPTY_SIDE: ErpnextOrderSide = {
  salesOrders: [],
  invoices: [],
  creditNotes: [],
  payments: [],
  deliveries: [],
};

/** Every Wix order updated in the period, compared with ERPNext; page by page, with progress. */
export async function runAudit(
  deps: AuditDeps,
  period: AuditPeriod,
  options: { progress?: Progress; maxDifferences?: number; now?: () => Date } = {},
): Promise<AuditResult> {
  const max = options.maxDifferences ?? Number.POSITIVE_INFINITY;
  const byKind = Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, 0])) as Record<DifferenceKind, number>;
  const differences: Difference[] = [];
  let checked = 0;
  let differing = 0;
  let leftOut = 0;
  for await (const page of deps.wix.orders(period)) {
    const context = await deps.context.of(page.map((o) => o.id));
    const sides = await deps.erpnext.sides(page, context);
    for (const order of page) {
      const found = compareOrder(order, sides.get(order.id) ?? EMPTY_SIDE, {
        expect: deps.expect,
        parked: context.get(order.id)?.parked,
      });
      checked++;
      if (found.length) differing++;
      for (const d of found) {
        byKind[d.kind]++;
        if (differences.length < max) differences.push(d);
        else leftOut++;
      }
    }
    options.progress?.tick(page.length, `orders, ${differing} differing`);
  }
  options.progress?.done(`${differing} of ${checked} orders differ`);
  return {
    from: period.from,
    to: period.to,
    ranAt: (options.now?.() ?? new Date()).toISOString(),
    checked,
    agreeing: checked - differing,
    differing,
    byKind,
    differences,
    leftOut,
  };
}

export function summaryOf(result: AuditResult): AuditSummary {
  const { differences: _d, leftOut: _l, ...summary } = result;
  return summary;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `--from`/`--to` as given (YYYY-MM-DD, a real day, from <= to), or the problems. */
export function parsePeriod(from: unknown, to: unknown): { period?: AuditPeriod; problems: string[] } {
  const problems: string[] = [];
  const check = (name: string, value: unknown) => {
    if (
      typeof value !== "string" ||
      !DAY.test(value) ||
      Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
      new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
    )
      problems.push(`${name}: expected a day as YYYY-MM-DD, got ${JSON.stringify(value ?? null)}`);
  };
  check("from", from);
  check("to", to);
  if (!problems.length && (from as string) > (to as string)) problems.push(`from ${from} is after to ${to}`);
  return problems.length ? { problems } : { period: { from: from as string, to: to as string }, problems };
}

/** The calendar month before `now` (UTC): what the monthly job audits. */
export function previousMonth(now = new Date()): AuditPeriod {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/** The period as instants: [start of `from`, start of the day after `to`). */
export function periodBounds(period: AuditPeriod): { since: string; until: string } {
  const until = new Date(`${period.to}T00:00:00.000Z`);
  until.setUTCDate(until.getUTCDate() + 1);
  return { since: `${period.from}T00:00:00.000Z`, until: until.toISOString() };
}

/** The audit for a person: the summary, then each difference with its cause. */
export function formatAudit(result: AuditResult): string {
  const lines = [
    `audit ${result.from} .. ${result.to}: ${result.checked} orders checked, ${result.agreeing} agree, ${result.differing} differ`,
  ];
  const kinds = DIFFERENCE_KINDS.filter((k) => result.byKind[k]);
  if (kinds.length) lines.push(`  by cause: ${kinds.map((k) => `${k} ${result.byKind[k]}`).join(", ")}`);
  for (const d of result.differences)
    lines.push(`  #${d.orderNumber} ${d.kind.padEnd(17)} ${d.document}: ${d.detail}`);
  if (result.leftOut) lines.push(`  ... and ${result.leftOut} more differences`);
  return lines.join("\n");
}
