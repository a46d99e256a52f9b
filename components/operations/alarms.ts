import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { slug } from "../../core/names";
import { AWS_METRICS, MetricRef, OPERATIONS_METRICS } from "../../core/metrics";
import { QUARANTINE_RATE_ALARM } from "../../core/limits";
import { ACCOUNTING_FILE } from "../../functions/reconcile";
import { FunctionName, OperationsFunctions } from "./bundle";
import { FRESHNESS_INTERVAL_MINUTES, OperationsPlan } from "./plan";

export interface AlarmInputs {
  readonly plan: OperationsPlan;
  readonly functions: OperationsFunctions<aws.lambda.Function>;
  readonly failureQueue: aws.sqs.Queue;
  readonly reconciledTables: readonly string[];
  /** Drift ratio above which a reconciled table alarms. */
  readonly reconcileTolerance: number;
  /** Share of purchases with a resolved loyalty_id below which a product's bridge coverage alarms. */
  readonly bridgeCoverageMin: number;
  readonly alarmTopicArn: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

type AlarmArgs = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "tags">;

/** Inclusive, as the handler's isMismatch: a drift equal to the tolerance alarms; with a tolerance of 0, any drift. */
export function driftAlarmThreshold(tolerance: number): { comparisonOperator: string; threshold: number } {
  return { comparisonOperator: tolerance > 0 ? "GreaterThanOrEqualToThreshold" : "GreaterThanThreshold", threshold: tolerance };
}

/**
 * Alarms to the alarm topic: each handler's errors, failed runs in the queue, table maintenance, drift per
 * reconciled table and staleness per KPI budget.
 */
export function operationsAlarms(name: string, t: AlarmInputs, parent: pulumi.Resource): Record<string, aws.cloudwatch.MetricAlarm> {
  const alarm = (key: string, a: AlarmArgs) =>
    new aws.cloudwatch.MetricAlarm(
      `${name}-${key}`,
      { ...a, alarmActions: [t.alarmTopicArn], okActions: [t.alarmTopicArn], tags: t.tags },
      { parent },
    );
  const lambdaErrors = (fn: FunctionName, evaluationPeriods: number, what: string) =>
    alarm(`${fn}-errors`, {
      alarmDescription: `${what} See README, Operations.`,
      namespace: AWS_METRICS.lambdaErrors.namespace,
      metricName: AWS_METRICS.lambdaErrors.metricName,
      dimensions: { FunctionName: t.functions[fn]!.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
  const products = t.plan.merges.map((m) => m.product);
  // Minutes per KPI against its budget, two checks running; no datapoint is breaching (nothing proves it fresh).
  const overBudget = (ref: MetricRef, kpi: string, budgetMinutes: number, alarmDescription: string): AlarmArgs => ({
    alarmDescription,
    namespace: ref.namespace,
    metricName: ref.metricName,
    dimensions: { Kpi: kpi },
    statistic: "Maximum",
    period: FRESHNESS_INTERVAL_MINUTES * 60,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    threshold: budgetMinutes,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "breaching",
  });
  const metric = (id: string, ref: MetricRef, dimensions: Record<string, string>, stat = "Sum") => ({
    id,
    returnData: false,
    metric: { namespace: ref.namespace, metricName: ref.metricName, dimensions, period: 3600, stat },
  });
  // Refused rows against the rows the product's own silver table took, per hour: a flood of bad rows alarms.
  const quarantineRate = ({ product: p, silverTable }: { product: string; silverTable: string }): AlarmArgs => ({
    alarmDescription: `${p}: ${QUARANTINE_RATE_ALARM * 100} % or more of an hour's rows were quarantined; retail_silver.quarantine's reasons say why. See README, Operations.`,
    metricQueries: [
      metric("q", OPERATIONS_METRICS.rowsQuarantined, { Product: p }),
      metric("m", OPERATIONS_METRICS.rowsMerged, { Product: p, Table: silverTable }),
      { id: "rate", expression: "q / (q + FILL(m, 0))", label: `${p} quarantine rate`, returnData: true },
    ],
    evaluationPeriods: 1,
    threshold: QUARANTINE_RATE_ALARM,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  });
  // The accounting is exact: one row neither in silver, quarantine nor the duplicates record alarms, either sign.
  const unaccounted = (p: string): AlarmArgs => ({
    alarmDescription: `${p}: bronze rows are missing from silver, quarantine and the duplicates record (or silver holds rows bronze lacks). See README, Operations.`,
    metricQueries: [
      metric("u", OPERATIONS_METRICS.unaccountedRows, { Table: `accounting:${p}` }, "Maximum"),
      { id: "abs", expression: "ABS(u)", label: `${p} unaccounted rows`, returnData: true },
    ],
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  });
  return {
    "merge-errors": lambdaErrors("merge", 2, "Silver MERGE has failed for 10 minutes: KPIs are going stale."),
    "reconcile-errors": lambdaErrors("reconcile", 1, "Reconciliation could not count at least one table; the SNS message lists which."),
    "freshness-errors": lambdaErrors("freshness", 2, "The freshness check cannot read silver: KPI staleness is not being measured."),
    "maintenance-errors": lambdaErrors("maintenance", 1, "The S3 Tables maintenance status could not be read for at least one table."),
    ...(t.functions.canary
      ? { "canary-errors": lambdaErrors("canary", 2, "The freshness canary could not put its events: measured freshness goes unmeasured.") }
      : {}),
    "failed-runs": alarm("failed-runs", {
      alarmDescription: "A scheduled run failed after its retries (or could not be delivered) and sits in the failure queue. See README, Operations.",
      namespace: AWS_METRICS.queueVisibleMessages.namespace,
      metricName: AWS_METRICS.queueVisibleMessages.metricName,
      dimensions: { QueueName: t.failureQueue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    }),
    "table-maintenance": alarm("table-maintenance", {
      alarmDescription:
        "An S3 Tables maintenance job failed, is disabled or is overdue; the SNS message names table and job. See README, Operations.",
      namespace: OPERATIONS_METRICS.maintenanceProblems.namespace,
      metricName: OPERATIONS_METRICS.maintenanceProblems.metricName,
      statistic: "Maximum",
      period: 3600,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    }),
    ...Object.fromEntries(
      t.reconciledTables.map((table) => [
        `drift-${table}`,
        alarm(`drift-${slug(table)}`, {
          alarmDescription: `retail_silver.${table}: source and silver row counts differ by more than ${t.reconcileTolerance * 100} %. See README, Operations.`,
          namespace: OPERATIONS_METRICS.driftRatio.namespace,
          metricName: OPERATIONS_METRICS.driftRatio.metricName,
          dimensions: { Table: table },
          statistic: "Maximum",
          period: 3600,
          evaluationPeriods: 1,
          ...driftAlarmThreshold(t.reconcileTolerance),
          treatMissingData: "notBreaching",
        }),
      ]),
    ),
    ...Object.fromEntries(t.plan.merges.map((m) => [`quarantine-rate-${m.product}`, alarm(`quarantine-rate-${slug(m.product)}`, quarantineRate(m))])),
    ...(ACCOUNTING_FILE in t.plan.reconcile
      ? Object.fromEntries(products.map((p) => [`unaccounted-${p}`, alarm(`unaccounted-${slug(p)}`, unaccounted(p))]))
      : {}),
    ...Object.fromEntries(
      Object.entries(t.plan.kpis).map(([kpi, k]) => [
        `staleness-${kpi}`,
        alarm(
          `staleness-${slug(kpi)}`,
          // No datapoint means the KPI could not be measured (empty input, failed check): not provably fresh.
          overBudget(
            OPERATIONS_METRICS.stalenessMinutes,
            kpi,
            k.budgetMinutes,
            `${kpi} is staler than its ${k.budgetMinutes}-min budget (inputs: ${k.tables.join(", ")}). See README, Operations.`,
          ),
        ),
      ]),
    ),
    ...Object.fromEntries(
      Object.entries(t.plan.canary?.kpis ?? {}).map(([kpi, k]) => [
        `measured-freshness-${kpi}`,
        alarm(
          `measured-freshness-${slug(kpi)}`,
          // No datapoint means no canary round is on record: the freshness is not proven.
          overBudget(
            OPERATIONS_METRICS.measuredFreshnessMinutes,
            kpi,
            k.budgetMinutes,
            `${kpi}: the canary took longer than the ${k.budgetMinutes}-min budget to reach the dashboard (streams: ${k.products.join(", ")}${k.dataSetId ? ", then SPICE" : ""}). See README, Operations.`,
          ),
        ),
      ]),
    ),
    ...Object.fromEntries(
      t.plan.bridgeCoverageProducts.map((product) => [
        `bridge-coverage-${product}`,
        alarm(`bridge-coverage-${slug(product)}`, {
          alarmDescription: `${product}: under ${t.bridgeCoverageMin * 100} % of the last hour's purchases carry a resolved loyalty_id (scan or identity_bridge). See README, Operations.`,
          namespace: OPERATIONS_METRICS.bridgeCoverage.namespace,
          metricName: OPERATIONS_METRICS.bridgeCoverage.metricName,
          dimensions: { Product: product },
          statistic: "Minimum",
          period: 3600,
          evaluationPeriods: 1,
          threshold: t.bridgeCoverageMin,
          comparisonOperator: "LessThanThreshold",
          // A quiet hour has no purchases to cover.
          treatMissingData: "notBreaching",
        }),
      ]),
    ),
  };
}
