import { Duration } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { Alias } from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { QueueName } from "#shared/flows/registry";
import { FLOW_NAMES, FLOWS } from "#shared/flows/registry";
import { SITE_HEALTH_FAILING } from "#shared/ops/health-checks";

export interface ObservabilityProps {
  api: HttpApi;
  queues: Record<QueueName, { queue: Queue; dlq: Queue }>;
  workers: Record<QueueName, IFunction>;
  alarmEmail?: string;
  /** The Wix sites (several): each gets an alarm of its own failing health. */
  sites?: string[];
}

/** Metrics the functions emit (EMF via Powertools), in one namespace with one service dimension. */
const NAMESPACE = "ErpnextWixSync";
const custom = (metricName: string, statistic = "Sum", dimensions: Record<string, string> = {}) =>
  new Metric({
    namespace: NAMESPACE,
    metricName,
    dimensionsMap: { service: "erpnext-wix-sync", ...dimensions },
    statistic,
    period: Duration.minutes(5),
  });

/** The dashboard ops watch and the alarms that page them. */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new Topic(this, "Alarms", {
      displayName: "erpnext-wix-sync alarms",
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, "SnsKey", "alias/aws/sns"),
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarm = (a: Alarm) => {
      a.addAlarmAction(new SnsAction(this.topic));
      a.addOkAction(new SnsAction(this.topic));
      this.alarms.push(a);
      return a;
    };

    for (const [name, { queue, dlq }] of Object.entries(props.queues)) {
      alarm(
        new Alarm(this, `${name}DlqNotEmpty`, {
          alarmDescription: `${name}: messages parked in the DLQ (see the README: redrive)`,
          metric: dlq.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: "Maximum",
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      alarm(
        new Alarm(this, `${name}OldestMessage`, {
          alarmDescription: `${name}: work waiting more than 15 minutes`,
          metric: queue.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(5),
            statistic: "Maximum",
          }),
          threshold: 900,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 2,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const [name, worker] of Object.entries(props.workers)) {
      const rate = new MathExpression({
        expression: "100 * errors / MAX([invocations, 1])",
        usingMetrics: {
          errors: worker.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }),
          invocations: worker.metricInvocations({ period: Duration.minutes(5), statistic: "Sum" }),
        },
        label: `${name} worker error %`,
      });
      alarm(
        new Alarm(this, `${name}WorkerErrors`, {
          alarmDescription: `${name} worker: more than 5% of invocations fail`,
          metric: rate,
          threshold: 5,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    alarm(
      new Alarm(this, "HealthFailing", {
        alarmDescription: "Health check failing: ERPNext or Wix unreachable or refusing credentials",
        metric: custom("HealthFailing", "Maximum"),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    // With several sites, one alarm per site: the alarm's name says which site is failing.
    for (const site of props.sites ?? [])
      alarm(
        new Alarm(this, `SiteHealthFailing${site.replace(/-/g, "")}`, {
          alarmDescription: `Wix site "${site}": health failing (its Wix unreachable or refusing credentials); /health lists it under sites.${site}`,
          metric: custom(SITE_HEALTH_FAILING, "Maximum", { site }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );

    alarm(
      new Alarm(this, "JobFailed", {
        alarmDescription:
          "A scheduled job failed (catch-up, poll, redrive...): /health names the job and the reason",
        metric: custom("JobFailed"),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const queues = Object.entries(props.queues);
    const workers = Object.entries(props.workers);
    this.dashboard = new Dashboard(this, "Dashboard", { dashboardName: "erpnext-wix-sync" });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          "# erpnext-wix-sync\nWebhooks in, queues, workers, outcomes. A DLQ above 0 needs a look: see README, *Redrive*.",
        width: 24,
        height: 2,
      }),
      new GraphWidget({
        title: "Webhooks received / rejected",
        left: [custom("WebhooksReceived"), custom("WebhooksRejected")],
        width: 8,
      }),
      new GraphWidget({
        title: "API 4xx / 5xx",
        left: [
          props.api.metricClientError({ period: Duration.minutes(5) }),
          props.api.metricServerError({ period: Duration.minutes(5) }),
        ],
        width: 8,
      }),
      new SingleValueWidget({
        title: "Health failing (1 = yes)",
        metrics: [custom("HealthFailing", "Maximum")],
        width: 8,
      }),
      new GraphWidget({
        title: "Queue depth",
        left: queues.map(([, { queue }]) => queue.metricApproximateNumberOfMessagesVisible()),
        width: 8,
      }),
      new GraphWidget({
        title: "Oldest message age (s)",
        left: queues.map(([, { queue }]) => queue.metricApproximateAgeOfOldestMessage()),
        width: 8,
      }),
      new GraphWidget({
        title: "DLQ depth",
        left: queues.map(([, { dlq }]) => dlq.metricApproximateNumberOfMessagesVisible()),
        width: 8,
      }),
      new GraphWidget({ title: "Worker errors", left: workers.map(([, w]) => w.metricErrors()), width: 8 }),
      new GraphWidget({
        title: "Worker duration p95",
        left: workers.map(([, w]) => w.metricDuration({ statistic: "p95" })),
        width: 8,
      }),
      new GraphWidget({
        title: "Sync outcomes",
        // The metric names the workers emit: `<flow>_<outcome>`, from the flow registry.
        left: FLOW_NAMES.flatMap((flow) =>
          FLOWS[flow].outcomes.map((outcome: string) => custom(`${flow}_${outcome}`)),
        ),
        width: 8,
      }),
    );
  }
}
