import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** Reports (the weekly one) kept next to the state they describe. */
export class ReportRepository {
  constructor(private readonly table: StateTable) {}

  save(kind: string, at: string, report: unknown): Promise<void> {
    return this.table.put(keys.report(kind, at), { report });
  }

  /** The latest report of a kind (reports are keyed by their ISO time). */
  async latest<T>(kind: string): Promise<T | undefined> {
    const { pk, sk } = keys.report(kind, "");
    return (await this.table.last<{ report: T }>(pk, sk))?.report;
  }
}
