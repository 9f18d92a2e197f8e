import { describe, expect, test } from "@jest/globals";
import { checkBoundaries, type Import } from "#infra/checks/boundaries";

const imp = (from: string, to: string, typeOnly = false): Import => ({ from, to, typeOnly });
const FLOWS = ["orders", "inventory"];

describe("npm run check:boundaries", () => {
  test("a flow may be imported by the two registries and its own Lambda entry only", () => {
    const { importers, problems } = checkBoundaries(
      [
        imp("shared/flows/registry.ts", "shared/flows/orders/flow.ts"),
        imp("shared/flows/job-registry.ts", "shared/flows/orders/runners.ts"),
        imp("functions/workers/orders.ts", "shared/flows/orders/sync.ts"),
        imp("functions/workers/inventory.ts", "shared/flows/orders/sync.ts"),
        imp("shared/ops/report.ts", "shared/flows/orders/mapping.ts"),
        imp("infra/sandbox/wix/orders.ts", "shared/flows/orders/mapping.ts"),
      ],
      FLOWS,
    );
    expect(importers.orders).toEqual([
      "functions/workers/inventory.ts",
      "functions/workers/orders.ts",
      "shared/flows/job-registry.ts",
      "shared/flows/registry.ts",
      "shared/ops/report.ts",
    ]);
    expect(problems).toEqual([
      "flow orders is imported from outside its folder by: functions/workers/inventory.ts, shared/ops/report.ts",
    ]);
  });

  test("the ports half's rules are pending, not problems: a flow importing an adapter or another flow", () => {
    const { problems, pending } = checkBoundaries(
      [
        imp("shared/flows/orders/sync.ts", "shared/flows/inventory/oversell-guard.ts"),
        imp("shared/flows/orders/sync.ts", "shared/wix/types.ts", true),
      ],
      FLOWS,
    );
    expect(problems).toEqual([]);
    expect(pending).toEqual([
      "flow inventory is imported by other flows: shared/flows/orders/sync.ts",
      "shared/flows/orders/sync.ts imports the adapter shared/wix/types.ts",
    ]);
  });

  test("adapters take only types of a flow's ports, and circles fail outside the simulators", () => {
    const { problems } = checkBoundaries(
      [
        imp("shared/queue/messages.ts", "shared/flows/registry.ts"),
        imp("shared/store/state.ts", "shared/flows/orders/ports.ts", true),
        imp("shared/http/client.ts", "shared/http/dry-run.ts"),
        imp("shared/http/dry-run.ts", "shared/http/client.ts", true),
        imp("infra/sandbox/wix/a.ts", "infra/sandbox/wix/b.ts"),
        imp("infra/sandbox/wix/b.ts", "infra/sandbox/wix/a.ts"),
      ],
      FLOWS,
    );
    expect(problems).toEqual([
      "shared/queue/messages.ts imports shared/flows/registry.ts (adapters take only types from a flow's ports.ts)",
      "import circle: shared/http/client.ts -> shared/http/dry-run.ts -> shared/http/client.ts",
    ]);
  });
});
