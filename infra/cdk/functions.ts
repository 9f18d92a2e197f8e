/**
 * Every Lambda of the integration, once: entry, size and timeout. The stack builds from this list
 * and the bundle-size report bundles the same entries with the same esbuild options.
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
   * new flow: each bundles only what it runs (shared/runtime/roots) and HTTP goes through Node's
   * own fetch, where bundling undici alone took about 520 KB.
   */
  budgetKb: number;
}

export const FUNCTIONS = {
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
  productsWorker: {
    entry: "shared/flows/products/worker.ts",
    description: "ERPNext items -> Wix products",
    memoryMb: 512,
    timeoutSeconds: 120,
    budgetKb: 250,
  },
  inventoryWorker: {
    entry: "shared/flows/inventory/worker.ts",
    description: "ERPNext stock -> Wix inventory",
    memoryMb: 512,
    timeoutSeconds: 120,
    budgetKb: 250,
  },
  ordersWorker: {
    entry: "shared/flows/orders/worker.ts",
    description: "Wix orders -> ERPNext Sales Orders",
    memoryMb: 512,
    timeoutSeconds: 120,
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

export type FunctionName = keyof typeof FUNCTIONS;

/** Same code on both hosts: bundled for Node 20 (the local host), deployed on nodejs22.x. */
export const ESBUILD = {
  target: "node20",
  minify: true,
  sourceMap: true,
  /** The Lambda runtime ships AWS SDK v3. */
  externalModules: ["@aws-sdk/*"],
} as const;
