import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Queue } from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import { FUNCTIONS } from "#infra/cdk/functions";
import {
  ErpnextWixSyncStack,
  HEALTH_BURST_LIMIT,
  HEALTH_RATE_LIMIT,
  MAX_RECEIVE_COUNT,
} from "#infra/cdk/stack";
import { FLOW_NAMES, FLOWS } from "#shared/flows/registry";
import { JOBS } from "#shared/jobs/definitions";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/** One synth (with cdk-nag) per configuration: bundling every function takes a few seconds. */
function synth(context: { secretArn?: string; alarmEmail?: string; sites?: unknown } = {}) {
  const app = new App();
  const stack = new ErpnextWixSyncStack(app, "ErpnextWixSync", {
    projectRoot,
    settings: { ERPNEXT_URL: "https://erp.example.com" },
    ...context,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth(); // throws ValidationFailed on any unacknowledged cdk-nag finding
  const report = `${assembly.directory}/validation-report.json`;
  return {
    template: Template.fromJSON(assembly.getStackByName(stack.stackName).template),
    report: existsSync(report) ? readFileSync(report, "utf8") : undefined,
  };
}

let t: Template;
let report: string | undefined;
beforeAll(() => {
  ({ template: t, report } = synth());
});

describe("the stack", () => {
  test("cdk-nag AwsSolutions: zero unacknowledged findings, warnings included", () => {
    // synth() above would have thrown on an error; a report file would list warnings.
    expect(report ?? "").not.toMatch(/AwsSolutions-/);
  });

  test("the cdk-nag wiring does catch an unacknowledged finding (so the test above can fail)", () => {
    const app = new App();
    new Queue(new Stack(app, "Probe"), "Bare");
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  test("every route on an HTTP API with throttling and access logs", () => {
    const routes = [
      "POST /webhooks/erpnext",
      "PUT /webhooks/erpnext",
      "DELETE /webhooks/erpnext",
      "POST /webhooks/wix",
      "GET /health",
    ];
    for (const route of routes) t.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: route });
    t.resourceCountIs("AWS::ApiGatewayV2::Route", routes.length);
    t.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue() },
    });
  });

  test("the public /health route has a throttle of its own, far below the webhooks'", () => {
    t.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      RouteSettings: {
        "GET /health": { ThrottlingRateLimit: HEALTH_RATE_LIMIT, ThrottlingBurstLimit: HEALTH_BURST_LIMIT },
      },
    });
    expect(HEALTH_RATE_LIMIT).toBeLessThan(50);
  });

  test("one nodejs22.x ARM64 function per handler, with Powertools settings", () => {
    const fns = t.findResources("AWS::Lambda::Function", { Properties: { Runtime: "nodejs22.x" } });
    expect(Object.keys(fns)).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: "erpnext-wix-sync",
        SECRET_ID: { Ref: expect.stringMatching(/^Credentials/) },
        NODE_OPTIONS: "--enable-source-maps",
      });
    }
  });

  test("a queue per flow, each encrypted, SSL-only, with a DLQ after 5 receives and a visibility of 6x the worker timeout", () => {
    const queues = t.findResources("AWS::SQS::Queue");
    const main = Object.values(queues).filter((q) => q.Properties.RedrivePolicy);
    expect(main).toHaveLength(FLOW_NAMES.length);
    expect(Object.keys(queues)).toHaveLength(2 * FLOW_NAMES.length);
    for (const q of main) {
      expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
      expect(q.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
        6 * FUNCTIONS.productsWorker.timeoutSeconds,
      );
    }
    for (const q of Object.values(queues)) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(t.findResources("AWS::SQS::QueuePolicy"));
    expect(policies).toHaveLength(2 * FLOW_NAMES.length);
    for (const p of policies) {
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  test("workers consume with partial batch failures and bounded concurrency", () => {
    const mappings = Object.values(t.findResources("AWS::Lambda::EventSourceMapping"));
    expect(mappings).toHaveLength(FLOW_NAMES.length);
    for (const m of mappings) {
      expect(m.Properties.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
      expect(m.Properties.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
      expect(m.Properties.BatchSize).toBe(10);
    }
  });

  test("tables: keys, TTL where it expires, PITR, retained", () => {
    const tables = t.findResources("AWS::DynamoDB::Table");
    expect(Object.keys(tables)).toHaveLength(3);
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe("Retain");
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.BillingMode).toBe("PAY_PER_REQUEST");
    }
    t.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    t.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expiration", Enabled: true },
    });
  });

  test("one schedule per job, from the shared job definitions", () => {
    for (const job of JOBS) {
      t.hasResourceProperties("AWS::Events::Rule", {
        ScheduleExpression: job.rate,
        Targets: [Match.objectLike({ Input: JSON.stringify({ job: job.name }) })],
      });
    }
    t.resourceCountIs("AWS::Events::Rule", JOBS.length);
  });

  test("alarms on DLQs, message age, worker errors and health, to an encrypted SSL-only topic; a dashboard", () => {
    const alarms = Object.values(t.findResources("AWS::CloudWatch::Alarm"));
    // Per flow: DLQ, message age, worker errors; then JobFailed and HealthFailing.
    expect(alarms).toHaveLength(3 * FLOW_NAMES.length + 1 + 1);
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
    t.hasResourceProperties("AWS::CloudWatch::Alarm", { MetricName: "JobFailed", Threshold: 1 });
    t.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "HealthFailing",
      Namespace: "ErpnextWixSync",
    });
    t.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    t.resourceCountIs("AWS::SNS::Subscription", 0);
    t.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  });

  test("the dashboard graphs each flow's outcomes under the metric names its worker emits", () => {
    const [dashboard] = Object.values(t.findResources("AWS::CloudWatch::Dashboard"));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    // The workers emit `<flow>_<outcome>` (e.g. inventory/worker.ts: "inventory_pushed").
    for (const flow of FLOW_NAMES)
      for (const outcome of FLOWS[flow].outcomes) expect(body).toContain(`\\"${flow}_${outcome}\\"`);
    expect(body).not.toContain("stock_pushed"); // a name no worker emits: an empty graph line
  });

  test("least privilege: no IAM statement allows * actions or * resources", () => {
    const statements = [
      ...Object.values(t.findResources("AWS::IAM::Policy")).flatMap(
        (p) => p.Properties.PolicyDocument.Statement,
      ),
      ...Object.values(t.findResources("AWS::IAM::Role")).flatMap((r) =>
        (r.Properties.Policies ?? []).flatMap(
          (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
        ),
      ),
    ] as { Action: string | string[]; Resource: unknown }[];
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) {
      const actions = ([] as string[]).concat(s.Action);
      expect(actions.some((a) => a === "*" || a.endsWith(":*"))).toBe(false);
      expect(([] as unknown[]).concat(s.Resource)).not.toContain("*");
    }
    t.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
    for (const role of Object.values(t.findResources("AWS::IAM::Role"))) {
      expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
    }
  });

  test("the webhook edge may only send to its queues", () => {
    const policies = Object.entries(t.findResources("AWS::IAM::Policy"));
    const [, edge] = policies.find(([id]) => id.startsWith("WixWebhookRole")) ?? [];
    const text = JSON.stringify(edge?.Properties.PolicyDocument);
    expect(text).toContain("sqs:SendMessage");
    expect(text).not.toContain("dynamodb:");
    expect(text).not.toContain("sqs:ReceiveMessage");
  });
});

describe("context parameters", () => {
  test("an imported secret and an alarm e-mail", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:erpnext-wix-sync-AbCdEf";
    const { template } = synth({ secretArn: arn, alarmEmail: "ops@example.com" });
    template.resourceCountIs("AWS::SecretsManager::Secret", 0);
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
    });
    const fn = Object.values(template.findResources("AWS::Lambda::Function"))[0];
    expect(fn?.Properties.Environment.Variables.SECRET_ID).toBe(arn);
  });
});

describe("several Wix sites", () => {
  const entry = (name: string, i: number) => ({
    name,
    WIX_SITE_ID: `0b7c5b6e-1f4e-4c1a-9d7a-${String(i).padStart(12, "0")}`,
    WIX_INSTANCE_ID: `6a1f8d7e-2c3b-4f5a-8e9d-${String(i).padStart(12, "0")}`,
    ERPNEXT_PRICE_LIST: `Selling ${name.toUpperCase()}`,
    ERPNEXT_WAREHOUSES: ["Stores - C", `Shop ${name.toUpperCase()} - C`],
    ERPNEXT_COMPANY: `Company ${name.toUpperCase()}`,
    ERPNEXT_TERRITORY: "All Territories",
  });
  let two: { template: Template; report?: string };
  beforeAll(() => {
    two = synth({ sites: [entry("us", 1), { ...entry("eu", 2), WIX_REQUESTS_PER_MINUTE: 2000 }] });
  });
  const functions = (template: Template) => Object.values(template.findResources("AWS::Lambda::Function"));

  test("cdk-nag clean; one secret per site (kept when a site leaves), holding only its Wix keys", () => {
    expect(two.report ?? "").not.toMatch(/AwsSolutions-/);
    const secrets = two.template.findResources("AWS::SecretsManager::Secret");
    const siteSecrets = Object.entries(secrets).filter(([id]) => id.startsWith("SiteCredentials"));
    expect(siteSecrets.map(([id]) => id.replace(/[0-9A-F]{8}$/, "")).sort()).toEqual([
      "SiteCredentialseu",
      "SiteCredentialsus",
    ]);
    for (const [, secret] of siteSecrets) {
      expect(secret.DeletionPolicy).toBe("Retain");
      expect(Object.keys(JSON.parse(secret.Properties.SecretString)).sort()).toEqual([
        "WIX_API_KEY",
        "WIX_APP_SECRET",
        "WIX_WEBHOOK_PUBLIC_KEY",
      ]);
    }
    const outputs = Object.keys(two.template.toJSON().Outputs ?? {});
    expect(outputs.filter((o) => o.startsWith("SiteSecretArn")).sort()).toEqual([
      "SiteSecretArneu",
      "SiteSecretArnus",
    ]);
  });

  test("each site has an alarm of its own failing health, on its site dimension", () => {
    const alarms = Object.entries(two.template.findResources("AWS::CloudWatch::Alarm")).filter(([id]) =>
      id.includes("SiteHealthFailing"),
    );
    const sites = alarms.map(([, a]) => {
      const dims = a.Properties.Dimensions as { Name: string; Value: string }[];
      expect(a.Properties.MetricName).toBe("SiteHealthFailing");
      return dims.find((d) => d.Name === "site")?.Value;
    });
    expect(sites.sort()).toEqual(["eu", "us"]);
  });

  test("every function gets SITES (each entry with its own secret, no secret value) and may read every site's secret", () => {
    for (const fn of functions(two.template)) {
      const sites = fn.Properties.Environment.Variables.SITES as { "Fn::Join": [string, unknown[]] };
      const parts = sites["Fn::Join"][1];
      const text = parts.map((p) => (typeof p === "string" ? p : "<secret>")).join("");
      const parsed = JSON.parse(text) as Record<string, unknown>[];
      expect(parsed.map((s) => [s.name, s.SECRET_ID])).toEqual([
        ["us", "<secret>"],
        ["eu", "<secret>"],
      ]);
      // eu's budget of 2000 a minute is shared by every container that calls Wix, as the default one.
      expect(parsed[1]?.WIX_REQUESTS_PER_MINUTE).toBeLessThan(2000);
      expect(parsed[0]).not.toHaveProperty("WIX_REQUESTS_PER_MINUTE");
    }
    const policies = JSON.stringify(two.template.findResources("AWS::IAM::Policy"));
    for (const name of Object.keys(FUNCTIONS)) {
      const role = `${name[0]?.toUpperCase()}${name.slice(1)}Role`;
      const own = Object.entries(two.template.findResources("AWS::IAM::Policy"))
        .filter(([id]) => id.startsWith(role))
        .map(([, p]) => JSON.stringify(p));
      expect(own.join()).toMatch(/SiteCredentialsus/);
      expect(own.join()).toMatch(/SiteCredentialseu/);
    }
    expect(policies).not.toMatch(/"Resource":"\*"/);
  });

  test("a site entry holding a secret, a SECRET_ID or a bad name is refused at synth", () => {
    expect(() => synth({ sites: [{ ...entry("us", 1), WIX_API_KEY: "k" }] })).toThrow(
      /WIX_API_KEY is a secret; put it in the site's secret \(output SiteSecretArnus\)/,
    );
    expect(() => synth({ sites: [{ ...entry("us", 1), SECRET_ID: "x" }] })).toThrow(/set by the stack/);
    expect(() => synth({ sites: [entry("U S", 1)] })).toThrow(/name must be 1-32/);
  });

  test("five sites: each function's environment stays under Lambda's 4 KB", () => {
    const { template } = synth({ sites: ["us", "eu", "uk", "wholesale", "outlet-de"].map(entry) });
    // Each CloudFormation reference counted at the longest value it resolves to in a long region
    // (ap-southeast-2): an SQS URL (https://sqs.<region>.amazonaws.com/<account>/<stack>-<id>-<12>),
    // a table name (<stack>-<id>-<12>), a secret ARN; a piece of a secret's name (its SECRET_ID).
    const LONGEST: Record<string, number> = {
      "AWS::SQS::Queue": 110,
      "AWS::DynamoDB::Table": 64,
      "AWS::SecretsManager::Secret": 115,
    };
    const resources = template.toJSON().Resources as Record<string, { Type: string }>;
    const render = (value: unknown): string => {
      if (typeof value === "string") return value;
      const v = value as { "Fn::Join"?: [string, unknown[]]; "Fn::Select"?: unknown; Ref?: string };
      if (v["Fn::Join"]) return v["Fn::Join"][1].map(render).join(v["Fn::Join"][0]);
      if (v["Fn::Select"]) return "s".repeat(40);
      const type = resources[v.Ref ?? ""]?.Type ?? "";
      expect(LONGEST).toHaveProperty([type]);
      return "r".repeat(LONGEST[type] ?? 0);
    };
    const sizes = functions(template).map((fn) =>
      Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>).reduce(
        (n, [k, v]) => n + k.length + render(v).length,
        0,
      ),
    );
    expect(Math.max(...sizes)).toBeLessThan(4096);
  });
});

/**
 * Every function role, pinned: resource -> the exact actions granted, so a grant its code needs
 * and lacks (or one it does not need) fails here rather than as AccessDenied in AWS.
 */
describe("each function's permissions, exactly", () => {
  const LOGS = ["logs:CreateLogStream", "logs:PutLogEvents"];
  const SECRET = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]; // Powertools getSecret
  // SendMessage covers SendMessageBatch (SqsEnqueuer.send) and the DLQ parking (deadLetter).
  const SEND = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"];
  // The event source mapping's poller, plus ChangeMessageVisibility for the backoff (delayRetry).
  const CONSUME = [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
  ];
  const DEPTH = ["sqs:GetQueueAttributes"]; // SqsEnqueuer.depth (health, jobs)
  const TABLE_READ = [
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:Query",
    "dynamodb:Scan",
  ];
  const TABLE_RW = [
    ...TABLE_READ,
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
  ];
  const set = (...lists: string[][]) => [...new Set(lists.flat())].sort();
  const depthAll = {
    productsQueue: DEPTH,
    productsDlq: DEPTH,
    inventoryQueue: DEPTH,
    inventoryDlq: DEPTH,
    ordersQueue: DEPTH,
    ordersDlq: DEPTH,
    shipmentsQueue: DEPTH,
    shipmentsDlq: DEPTH,
    billingQueue: DEPTH,
    billingDlq: DEPTH,
    refundsQueue: DEPTH,
    refundsDlq: DEPTH,
  };
  const expected: Record<string, Record<string, string[]>> = {
    ErpnextWebhook: {
      ErpnextWebhookLogs: LOGS,
      Credentials: SECRET,
      productsQueue: SEND,
      inventoryQueue: SEND,
      shipmentsQueue: SEND, // Delivery Notes
    },
    WixWebhook: {
      WixWebhookLogs: LOGS,
      Credentials: SECRET,
      ordersQueue: SEND,
      billingQueue: SEND,
      refundsQueue: SEND,
      shipmentsQueue: SEND,
      // Catalog V1 events: a product deleted in Wix, a quantity changed in the dashboard.
      productsQueue: SEND,
      inventoryQueue: SEND,
    },
    Health: {
      HealthLogs: LOGS,
      Credentials: SECRET,
      ...depthAll,
      StateTable: TABLE_READ,
      SyncLogTable: TABLE_READ,
    },
    ProductsWorker: {
      ProductsWorkerLogs: LOGS,
      Credentials: SECRET,
      // Consumed, and sent to: what a Catalog V1 sync had no time left for is handed back.
      productsQueue: [...CONSUME, ...SEND],
      productsDlq: SEND,
      inventoryQueue: SEND, // published products get their stock pushed
      StateTable: TABLE_RW,
      SyncLogTable: TABLE_RW,
    },
    InventoryWorker: {
      InventoryWorkerLogs: LOGS,
      Credentials: SECRET,
      inventoryQueue: CONSUME,
      inventoryDlq: SEND,
      StateTable: TABLE_RW,
      SyncLogTable: TABLE_RW,
    },
    OrdersWorker: {
      OrdersWorkerLogs: LOGS,
      Credentials: SECRET,
      ordersQueue: CONSUME,
      ordersDlq: SEND,
      StateTable: TABLE_RW,
      SyncLogTable: TABLE_RW,
      IdempotencyTable: TABLE_RW, // Powertools Idempotency: Get/Put/Update/DeleteItem
      billingQueue: SEND, // paid orders are handed to billing
    },
    BillingWorker: {
      BillingWorkerLogs: LOGS,
      Credentials: SECRET,
      billingQueue: CONSUME,
      billingDlq: SEND,
      StateTable: TABLE_RW,
      SyncLogTable: TABLE_RW,
    },
    RefundsWorker: {
      RefundsWorkerLogs: LOGS,
      Credentials: SECRET,
      refundsQueue: CONSUME,
      refundsDlq: SEND,
      StateTable: TABLE_RW,
      SyncLogTable: TABLE_RW,
    },
    ShipmentsWorker: {
      ShipmentsWorkerLogs: LOGS,
      Credentials: SECRET,
      shipmentsQueue: CONSUME,
      shipmentsDlq: SEND,
      billingQueue: SEND, // delivered orders are handed to billing (INVOICE_ON=fulfilment)
      StateTable: TABLE_RW,
      SyncLogTable: TABLE_RW,
    },
    Jobs: {
      JobsLogs: LOGS,
      Credentials: SECRET,
      ...depthAll,
      productsQueue: SEND,
      inventoryQueue: SEND,
      ordersQueue: SEND,
      shipmentsQueue: SEND,
      billingQueue: SEND,
      refundsQueue: SEND,
      // The weekly report reads the parked reasons (SqsEnqueuer.dlqReasons: ReceiveMessage);
      // dlq-redrive moves retryable ones back (ReceiveMessage, DeleteMessage) and re-parks as
      // permanent those that came back too often (SendMessage).
      productsDlq: set(SEND, ["sqs:ReceiveMessage", "sqs:DeleteMessage"]),
      inventoryDlq: set(SEND, ["sqs:ReceiveMessage", "sqs:DeleteMessage"]),
      ordersDlq: set(SEND, ["sqs:ReceiveMessage", "sqs:DeleteMessage"]),
      shipmentsDlq: set(SEND, ["sqs:ReceiveMessage", "sqs:DeleteMessage"]),
      billingDlq: set(SEND, ["sqs:ReceiveMessage", "sqs:DeleteMessage"]),
      refundsDlq: set(SEND, ["sqs:ReceiveMessage", "sqs:DeleteMessage"]),
      StateTable: TABLE_RW,
      SyncLogTable: TABLE_RW,
    },
  };

  /** "productsQueueD7C9F581" -> "productsQueue": the logical id without CDK's hash. */
  const nameOf = (resource: unknown): string => {
    const r = resource as { "Fn::GetAtt"?: [string]; Ref?: string };
    const id = r["Fn::GetAtt"]?.[0] ?? r.Ref ?? JSON.stringify(resource);
    return id.replace(/[0-9A-F]{8}$/, "");
  };
  const granted = (fn: string): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const [id, policy] of Object.entries(t.findResources("AWS::IAM::Policy"))) {
      if (!id.startsWith(`${fn}Role`)) continue;
      for (const s of policy.Properties.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
      }[]) {
        for (const resource of ([] as unknown[]).concat(s.Resource)) {
          const name = nameOf(resource);
          out[name] = set(out[name] ?? [], ([] as string[]).concat(s.Action));
        }
      }
    }
    return out;
  };

  test("the table covers every function", () => {
    expect(Object.keys(expected).sort()).toEqual(
      Object.keys(FUNCTIONS)
        .map((k) => k[0]?.toUpperCase() + k.slice(1))
        .sort(),
    );
  });

  test.each(Object.keys(expected))("%s: resource -> actions", (fn) => {
    const want = Object.fromEntries(
      Object.entries(expected[fn] ?? {}).map(([resource, actions]) => [resource, set(actions)]),
    );
    expect(granted(fn)).toEqual(want);
  });
});
