import type { JobRunners } from "../declaration";
import type { inventory } from "./flow";
import { inventoryDelta, inventoryReconcile } from "./jobs";

export const inventoryRunners = {
  "inventory-delta": inventoryDelta,
  "inventory-reconcile": inventoryReconcile,
} satisfies JobRunners<typeof inventory>;
