import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** Short leases on names (single-item conditional writes): one holder at a time, until expiry. */
export class LeaseRepository {
  constructor(private readonly table: StateTable) {}

  /** False while someone else holds the lease. */
  claim(key: string, leaseSeconds: number): Promise<boolean> {
    const now = Date.now();
    return this.table.putIf(
      keys.lease(key),
      { leaseUntil: now + leaseSeconds * 1000 },
      {
        ConditionExpression: "attribute_not_exists(pk) OR leaseUntil < :now",
        ExpressionAttributeValues: { ":now": now },
      },
    );
  }

  release(key: string): Promise<void> {
    return this.table.delete(keys.lease(key));
  }
}
