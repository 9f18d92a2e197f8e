import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { Rule, RuleTargetInput, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { type ISecret, Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { SECRET_KEYS } from "#shared/config/settings";
import { readSiteEntries, type SiteEntry } from "#shared/config/sites";
import { ConfigError } from "#shared/errors";
import {
  FLOW_NAMES,
  FLOWS,
  type FlowDefinition,
  type FlowName,
  QUEUES,
  type QueueName,
  WORKER_CONCURRENCY,
} from "#shared/flows/registry";
import { JOBS } from "#shared/jobs/definitions";
import { MAX_RECEIVE_COUNT } from "#shared/queue/policy";
import { TABLES } from "#shared/store/tables";
import { API_ROUTES, routeKey } from "../routes";
import { FUNCTIONS, type FunctionName, workerName } from "./functions";
import { Observability } from "./observability";
import { SyncFunction } from "./sync-function";

export interface SyncStackProps extends StackProps {
  projectRoot: string;
  /** Import an existing secret instead of creating one (context `secretArn`). */
  secretArn?: string;
  /** E-mail for alarm notifications (context `alarmEmail`). */
  alarmEmail?: string;
  /** Non-secret settings passed to every function (context `settings`), e.g. ERPNEXT_URL. */
  settings?: Record<string, string>;
  /** The Wix request budget for the whole site, shared by all workers. */
  wixRequestsPerMinute?: number;
  /**
   * Several Wix sites (context `sites`, or `sitesFile` read at synth): the entries of a sites file
   * without secrets (shared/config/sites.ts). Each site gets its own Secrets Manager secret for its
   * Wix credentials, named by its entry's SECRET_ID in the functions' SITES setting.
   */
  sites?: unknown;
}

export { WORKER_CONCURRENCY } from "#shared/flows/registry";
export { MAX_RECEIVE_COUNT } from "#shared/queue/policy";
export { HEALTH_BURST_LIMIT, HEALTH_RATE_LIMIT } from "../routes";

export class ErpnextWixSyncStack extends Stack {
  readonly api: HttpApi;
  readonly functions: Record<FunctionName, SyncFunction>;
  readonly queues: Record<QueueName, { queue: Queue; dlq: Queue }>;

  constructor(scope: Construct, id: string, props: SyncStackProps) {
    super(scope, id, props);

    // --- storage ---------------------------------------------------------------------------
    const table = (key: keyof typeof TABLES) => {
      const spec = TABLES[key];
      const t = new Table(this, `${key[0]?.toUpperCase()}${key.slice(1)}Table`, {
        partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
        sortKey: "sortKey" in spec ? { name: spec.sortKey, type: AttributeType.STRING } : undefined,
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: "ttlAttribute" in spec ? spec.ttlAttribute : undefined,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      return t;
    };
    const tables = { state: table("state"), syncLog: table("syncLog"), idempotency: table("idempotency") };

    // --- queues ----------------------------------------------------------------------------
    const workerTimeout = Math.max(...FLOW_NAMES.map((flow) => FLOWS[flow].worker.timeoutSeconds));
    this.queues = {} as typeof this.queues;
    for (const name of QUEUES) {
      const dlq = new Queue(this, `${name}Dlq`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(dlq).acknowledge({
        id: "AwsSolutions-SQS3",
        reason: "This is a dead-letter queue; it needs none of its own.",
      });
      const queue = new Queue(this, `${name}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(workerTimeout * 6),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
      this.queues[name] = { queue, dlq };
    }

    // --- secret ----------------------------------------------------------------------------
    const secret: ISecret = props.secretArn
      ? Secret.fromSecretCompleteArn(this, "Credentials", props.secretArn)
      : new Secret(this, "Credentials", {
          description: "erpnext-wix-sync: ERPNext and Wix credentials (fill in after the first deploy)",
          generateSecretString: {
            // The webhook secret is generated; the rest are placeholders ops replace.
            secretStringTemplate: JSON.stringify(
              Object.fromEntries(
                SECRET_KEYS.filter((k) => k !== "ERPNEXT_WEBHOOK_SECRET").map((k) => [k, ""]),
              ),
            ),
            generateStringKey: "ERPNEXT_WEBHOOK_SECRET",
            excludePunctuation: true,
            passwordLength: 40,
          },
        });
    if (secret instanceof Secret) {
      Validations.of(secret).acknowledge({
        id: "AwsSolutions-SMG4",
        reason:
          "Third-party API keys (ERPNext token, Wix key) cannot be rotated by a Lambda; they are rotated by hand.",
      });
    }

    // --- functions -------------------------------------------------------------------------
    const totalWixCallers = Object.values(WORKER_CONCURRENCY).reduce((a, b) => a + b, 0) + 2; // + jobs + health
    const containerBudget = (perMinute: number) => Math.max(1, Math.floor(perMinute / totalWixCallers));
    const perContainerBudget = containerBudget(props.wixRequestsPerMinute ?? 200);
    const sites = props.sites === undefined ? [] : siteEntries(props.sites);
    const siteSecrets = sites.map((site) => siteSecret(this, site.name));
    const common: Record<string, string> = {
      ...props.settings,
      ...(sites.length
        ? {
            // A site's budget is its own, shared by the containers as the default one is.
            SITES: this.toJsonString(
              sites.map((site, i) => ({
                ...site,
                ...(site.WIX_REQUESTS_PER_MINUTE !== undefined
                  ? { WIX_REQUESTS_PER_MINUTE: containerBudget(Number(site.WIX_REQUESTS_PER_MINUTE)) }
                  : {}),
                // Its name, not its ARN (CDK v2 parses an owned secret's name without the random
                // suffix): five sites' SITES then fit in Lambda's 4 KB environment.
                SECRET_ID: siteSecrets[i]?.secretName,
              })),
            ),
          }
        : {}),
      SECRET_ID: secret.secretArn,
      STATE_TABLE: tables.state.tableName,
      SYNC_LOG_TABLE: tables.syncLog.tableName,
      IDEMPOTENCY_TABLE: tables.idempotency.tableName,
      WIX_REQUESTS_PER_MINUTE: String(perContainerBudget),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    const queueEnv = (names: QueueName[], withDlq = false) =>
      Object.fromEntries(
        names.flatMap((q) => [
          [`${q.toUpperCase()}_QUEUE_URL`, this.queues[q].queue.queueUrl],
          ...(withDlq ? [[`${q.toUpperCase()}_DLQ_URL`, this.queues[q].dlq.queueUrl]] : []),
        ]),
      );
    const fn = (name: FunctionName, env: Record<string, string>) =>
      new SyncFunction(this, name[0]?.toUpperCase() + name.slice(1), {
        spec: FUNCTIONS[name],
        projectRoot: props.projectRoot,
        environment: { ...common, ...env },
      });
    // Each webhook function enqueues the flows that name it (FlowDefinition.webhook).
    const fedBy = (webhook: "erpnext" | "wix") =>
      FLOW_NAMES.filter((flow) => ([] as string[]).concat(FLOWS[flow].webhook).includes(webhook));
    const spec = (flow: FlowName): FlowDefinition["worker"] => FLOWS[flow].worker;
    const sendsTo = (flow: FlowName) => (spec(flow).sendsTo ?? []) as readonly QueueName[];
    const workerFunctions = Object.fromEntries(
      FLOW_NAMES.map((flow) => [
        workerName(flow),
        fn(workerName(flow), queueEnv([flow, ...sendsTo(flow)], true)),
      ]),
    ) as Record<`${FlowName}Worker`, SyncFunction>;
    this.functions = {
      erpnextWebhook: fn("erpnextWebhook", queueEnv(fedBy("erpnext"))),
      wixWebhook: fn("wixWebhook", queueEnv(fedBy("wix"))),
      health: fn("health", queueEnv([...QUEUES], true)),
      ...workerFunctions,
      jobs: fn("jobs", queueEnv([...QUEUES], true)),
    };
    const f = this.functions;
    const workers = FLOW_NAMES.map((flow) => [flow, f[workerName(flow)]] as const);

    // --- least privilege -------------------------------------------------------------------
    // Every function reads the settings of every site (shared/runtime/settings.ts loadSites).
    for (const each of Object.values(f)) for (const s of [secret, ...siteSecrets]) s.grantRead(each);
    for (const flow of fedBy("erpnext")) this.queues[flow].queue.grantSendMessages(f.erpnextWebhook);
    for (const flow of fedBy("wix")) this.queues[flow].queue.grantSendMessages(f.wixWebhook);
    for (const q of QUEUES) {
      this.queues[q].queue.grantSendMessages(f.jobs);
      // dlq-redrive re-parks a message as permanent once it has come back too often.
      this.queues[q].dlq.grantSendMessages(f.jobs);
    }
    for (const [flow, worker] of workers) {
      const { batchingWindowSeconds } = spec(flow);
      for (const target of sendsTo(flow)) this.queues[target].queue.grantSendMessages(worker);
      worker.addEventSource(
        new SqsEventSource(this.queues[flow].queue, {
          batchSize: 10,
          // A batching window lets hints for the same records coalesce within a batch (inventory).
          maxBatchingWindow: batchingWindowSeconds ? Duration.seconds(batchingWindowSeconds) : undefined,
          reportBatchItemFailures: true,
          maxConcurrency: WORKER_CONCURRENCY[flow],
        }),
      );
      this.queues[flow].dlq.grantSendMessages(worker); // permanent failures are parked at once
    }
    const depthReaders = [f.health, f.jobs];
    for (const reader of depthReaders) {
      reader.addToRolePolicy(
        new PolicyStatement({
          actions: ["sqs:GetQueueAttributes"],
          resources: QUEUES.flatMap((q) => [this.queues[q].queue.queueArn, this.queues[q].dlq.queueArn]),
        }),
      );
    }
    // The weekly report looks at what is parked and why (SqsEnqueuer.dlqReasons receives from the
    // DLQs); dlq-redrive takes retryable ones out (SqsEnqueuer.redriveRetryable).
    f.jobs.addToRolePolicy(
      new PolicyStatement({
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
        resources: QUEUES.map((q) => this.queues[q].dlq.queueArn),
      }),
    );
    for (const worker of [...workers.map(([, w]) => w), f.jobs]) {
      tables.state.grantReadWriteData(worker);
      tables.syncLog.grantReadWriteData(worker);
    }
    for (const [flow, worker] of workers)
      if (spec(flow).eventIdempotency) tables.idempotency.grantReadWriteData(worker);
    tables.state.grantReadData(f.health);
    tables.syncLog.grantReadData(f.health);

    // --- ingress ---------------------------------------------------------------------------
    this.api = new HttpApi(this, "Api", {
      description: "erpnext-wix-sync webhooks and health",
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, "ApiAccessLogs", {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // The route table both hosts serve (infra/routes.ts): one integration per path and function.
    const byPath = new Map<string, { path: string; fn: FunctionName; methods: HttpMethod[] }>();
    for (const route of API_ROUTES) {
      const key = `${route.path} ${route.function}`;
      const entry = byPath.get(key) ?? { path: route.path, fn: route.function, methods: [] };
      entry.methods.push(HttpMethod[route.method]);
      byPath.set(key, entry);
    }
    for (const { path, fn: name, methods } of byPath.values()) {
      const handler = f[name];
      const added = this.api.addRoutes({
        path,
        methods,
        integration: new HttpLambdaIntegration(`${handler.node.id}Integration`, handler),
      });
      for (const route of added) stage.node.addDependency(route); // route settings name routes
    }
    // Routes with a throttle of their own (RouteSettings is a free-form map in the L1:
    // CloudFormation's own key names).
    const routeSettings = Object.fromEntries(
      API_ROUTES.flatMap((route) =>
        "throttle" in route
          ? [
              [
                routeKey(route),
                {
                  ThrottlingRateLimit: route.throttle.rateLimit,
                  ThrottlingBurstLimit: route.throttle.burstLimit,
                },
              ],
            ]
          : [],
      ),
    );
    (stage.node.defaultChild as CfnStage).addPropertyOverride("RouteSettings", routeSettings);
    Validations.of(this.api).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "ERPNext and Wix cannot send IAM or JWT-authorizer credentials: each webhook is authenticated in its function (HMAC / RS256 JWT); /health exposes no secret.",
    });

    // --- schedules (the same job list the local host runs) ---------------------------------
    for (const job of JOBS) {
      new Rule(this, `Schedule-${job.name}`, {
        description: `${job.name}: ${job.description}`,
        schedule: Schedule.expression(job.rate),
        targets: [
          new LambdaFunction(f.jobs, {
            event: RuleTargetInput.fromObject({ job: job.name }),
            retryAttempts: 2,
          }),
        ],
      });
    }

    // --- observability ---------------------------------------------------------------------
    const observability = new Observability(this, "Observability", {
      api: this.api,
      queues: this.queues,
      workers: Object.fromEntries(workers) as Record<FlowName, SyncFunction>,
      alarmEmail: props.alarmEmail,
      sites: sites.length > 1 ? sites.map((s) => s.name) : undefined,
    });

    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "nodejs22.x is the runtime this project targets (bundled for Node 20 so the local host runs the same code).",
    });

    new CfnOutput(this, "ErpnextWebhookUrl", { value: `${this.api.apiEndpoint}/webhooks/erpnext` });
    new CfnOutput(this, "WixWebhookUrl", { value: `${this.api.apiEndpoint}/webhooks/wix` });
    new CfnOutput(this, "HealthUrl", { value: `${this.api.apiEndpoint}/health` });
    new CfnOutput(this, "SecretArn", { value: secret.secretArn });
    for (const [i, site] of sites.entries())
      new CfnOutput(this, siteOutput(site.name), {
        description: `Wix credentials of site ${site.name}`,
        value: siteSecrets[i]?.secretArn ?? "",
      });
    new CfnOutput(this, "DashboardName", { value: observability.dashboard.dashboardName });
    new CfnOutput(this, "AlarmTopicArn", { value: observability.topic.topicArn });
    for (const q of QUEUES) new CfnOutput(this, `${q}DlqUrl`, { value: this.queues[q].dlq.queueUrl });
  }
}

/** A site's Wix credentials (SITE_SECRET_KEYS), placeholders ops fill in after the first deploy. */
export const SITE_SECRET_KEYS = SECRET_KEYS.filter((k) => k.startsWith("WIX_"));

/**
 * The `sites` setting, checked at synth as the functions will read it (shared/config/sites.ts):
 * valid unique names, known keys, no secret (each site's are in its own secret) and no SECRET_ID
 * (the stack sets it).
 */
function siteEntries(value: unknown): SiteEntry[] {
  const entries = readSiteEntries(value, "sites");
  const problems = entries.flatMap((entry) =>
    Object.keys(entry)
      .filter((k) => k === "SECRET_ID" || (SECRET_KEYS as readonly string[]).includes(k))
      .map((k) =>
        k === "SECRET_ID"
          ? `site "${entry.name}": SECRET_ID is set by the stack (the site's own secret)`
          : `site "${entry.name}": ${k} is a secret; put it in the site's secret (output ${siteOutput(entry.name)}), not in the settings`,
      ),
  );
  // CloudFormation ids drop the "-": "e-u" and "eu" would share their output.
  const ids = entries.map((e) => siteOutput(e.name));
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i)
      problems.push(`site "${entries[i]?.name}": too like another site's name (${id})`);
  });
  if (problems.length) throw new ConfigError(problems);
  return entries;
}

/** The stack output holding a site's secret ARN: `SiteSecretArn` and the name without "-". */
export const siteOutput = (name: string) => `SiteSecretArn${name.replace(/-/g, "")}`;

/**
 * One secret per site: its Wix credentials, kept when the site leaves the list (RETAIN) so removing
 * a site by mistake loses no key. Third-party keys are rotated by hand.
 */
function siteSecret(scope: Construct, name: string): Secret {
  const secret = new Secret(scope, `SiteCredentials-${name}`, {
    description: `erpnext-wix-sync: Wix credentials of site ${name} (fill in after the first deploy)`,
    secretObjectValue: Object.fromEntries(SITE_SECRET_KEYS.map((k) => [k, SecretValue.unsafePlainText("")])),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: "AwsSolutions-SMG4",
    reason:
      "Third-party API keys (the Wix key or app secret) cannot be rotated by a Lambda; they are rotated by hand.",
  });
  return secret;
}
