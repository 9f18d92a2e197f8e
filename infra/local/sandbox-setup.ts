import { errorMessage } from "#shared/errors";
import { applyActions, planSetup, type SetupDeps, type SetupResult } from "#shared/setup/setup";

/**
 * The sandbox ERPNext gets its Webhook and Custom Field documents at every start the way
 * `npm run setup` makes them (the same plan and writes, over its REST API), so `npm start` is a
 * full demo and the tests meet a set-up site. Unlike the CLI it writes even when a check finds a
 * problem (a test may configure an account on purpose that does not exist): problems are logged.
 */
export async function setUpSandboxErpnext(
  deps: Pick<SetupDeps, "erpnext" | "settings" | "webhookUrl">,
  warn: (message: string) => void,
): Promise<void> {
  const plan = await planSetup(deps);
  for (const p of plan.problems) warn(`sandbox ERPNext setup: ${p.what} (fix: ${p.fix})`);
  const result: Pick<SetupResult, "applied" | "failed"> = { applied: [], failed: [] };
  await applyActions(deps, plan.actions, result);
  for (const f of result.failed)
    warn(
      `sandbox ERPNext setup: ${f.action.kind} ${f.action.doctype} ${f.action.name}: ${errorMessage(f.reason)}`,
    );
}
