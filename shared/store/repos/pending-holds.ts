import { keys } from "../keys";
import type { StateTable } from "../state-table";

/**
 * Wix quantities of orders we know but ERPNext has not reserved yet (claimed, parked, a draft SO,
 * awaiting approval). The inventory oversell guard subtracts them; they lapse on their own.
 */
export class PendingHoldRepository {
  constructor(private readonly table: StateTable) {}

  hold(orderId: string, skus: Record<string, number>, days = 7): Promise<void> {
    return this.table.put(keys.pending(orderId), { skus, until: Date.now() + days * 86400_000 });
  }

  release(orderId: string): Promise<void> {
    return this.table.delete(keys.pending(orderId));
  }

  async live(now = Date.now()): Promise<{ orderId: string; skus: Record<string, number> }[]> {
    const rows = await this.table.partition<{ sk: string; skus: Record<string, number>; until: number }>(
      keys.pendingPartition,
    );
    return rows.filter((r) => r.until > now).map((r) => ({ orderId: r.sk, skus: r.skus }));
  }
}
