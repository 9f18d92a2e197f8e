import { FLOW_NAMES, FLOWS, type FlowName } from "#shared/flows/registry";

/**
 * Every Lambda of the integration, once: entry, size and timeout. The stack builds from this list
 * and the bundle-size report bundles the same entries with the same esbuild options. The edge and
 * ops functions are listed here; each flow's worker comes from its declaration
 * (shared/flows/<flow>/flow.ts, listed in shared/flows/registry.ts), so a new flow adds its worker
 * without an edit in infra/.
 */
export interface FunctionSpec {
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Edge functions answer webhooks: they must stay small for fast cold starts. */
  edge?: boolean;
  /**
   * Most KB the minified bundle may weigh (tests/infra/bundles.test.ts checks it; `npm run bench`
   * prints it). Edges 150; every other function 250, under the 300 of issue 10 with room for a
   * new flow: each bundles only what it runs (its composition root in functions/workers/<flow>.ts) and HTTP goes through Node's
   * own fetch, where bundling undici alone took about 520 KB.
   */
  budgetKb: number;
}

const EDGE_AND_OPS = {
  erpnextWebhook: {
    entry: "functions/erpnext-webhook.ts",
    description: "POST /webhooks/erpnext: verify, validate, enqueue",
    memoryMb: 512,
    timeoutSeconds: 10,
    edge: true,
    budgetKb: 150,
  },
  wixWebhook: {
    entry: "functions/wix-webhook.ts",
    description: "POST /webhooks/wix: verify JWT, enqueue",
    memoryMb: 512,
    timeoutSeconds: 10,
    edge: true,
    budgetKb: 150,
  },
  health: {
    entry: "functions/health.ts",
    description: "GET /health",
    memoryMb: 256,
    timeoutSeconds: 30,
    budgetKb: 250,
  },
  jobs: {
    entry: "functions/jobs.ts",
    description: "scheduled catch-up, reconcile, health and report jobs",
    memoryMb: 512,
    timeoutSeconds: 300,
    budgetKb: 250,
  },
} as const satisfies Record<string, FunctionSpec>;

/** A flow's worker function: `productsWorker` for the products flow. */
export type WorkerName = `${FlowName}Worker`;
export const workerName = (flow: FlowName): WorkerName => `${flow}Worker`;

/** Every worker bundles only its own flow (its composition root in functions/workers/<flow>.ts): at most 250 KB, under issue 10's 300. */
const WORKER_BUDGET_KB = 250;

const WORKERS = Object.fromEntries(
  FLOW_NAMES.map((flow): [WorkerName, FunctionSpec] => {
    const { entry, memoryMb, timeoutSeconds } = FLOWS[flow].worker;
    const description = FLOWS[flow].description;
    return [workerName(flow), { entry, description, memoryMb, timeoutSeconds, budgetKb: WORKER_BUDGET_KB }];
  }),
) as Record<WorkerName, FunctionSpec>;

export const FUNCTIONS: typeof EDGE_AND_OPS & Record<WorkerName, FunctionSpec> = {
  ...EDGE_AND_OPS,
  ...WORKERS,
};

export type FunctionName = keyof typeof FUNCTIONS;

/** Same code on both hosts: bundled for Node 20 (the local host), deployed on nodejs22.x. */
export const ESBUILD = {
  target: "node20",
  minify: true,
  sourceMap: true,
  /** The Lambda runtime ships AWS SDK v3. */
  externalModules: ["@aws-sdk/*"],
} as const;
