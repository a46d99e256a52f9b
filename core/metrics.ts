import { METRIC_NAMESPACE } from "./runtime";

/**
 * Every CloudWatch metric the platform watches, one copy: the handlers publish the operations metrics under these
 * names, and the alarms and the operations dashboard read both kinds from here, so a renamed metric cannot leave
 * an alarm or a graph watching nothing.
 */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension names, in the order the dashboard lists them. */
  readonly dimensions: readonly string[];
}

const ops = (metricName: string, ...dimensions: string[]): MetricRef => ({ namespace: METRIC_NAMESPACE, metricName, dimensions });

/** Published by the Operations handlers (functions/*.ts) to METRIC_NAMESPACE. */
export const OPERATIONS_METRICS = {
  /** merge: rows written per silver table and window. */
  rowsMerged: ops("RowsMerged", "Product", "Table"),
  /** merge: silver rows given a loyalty_id by the re-resolution in a product's hourly identity run (sql/reresolve/). */
  rowsReresolved: ops("RowsReresolved", "Product", "Table"),
  /** merge: rows refused into retail_silver.quarantine. */
  rowsQuarantined: ops("RowsQuarantined", "Product"),
  /** freshness: minutes since the newest event of each KPI's inputs. */
  stalenessMinutes: ops("StalenessMinutes", "Kpi"),
  /** freshness: minutes since each silver table's newest event. */
  tableStalenessMinutes: ops("TableStalenessMinutes", "Table"),
  /** reconcile: |source − silver| / source per table. */
  driftRatio: ops("DriftRatio", "Table"),
  sourceRows: ops("SourceRows", "Table"),
  silverRows: ops("SilverRows", "Table"),
  /** reconcile: bronze rows neither in silver, quarantine nor the duplicates record (accounting:<product> tables). */
  unaccountedRows: ops("UnaccountedRows", "Table"),
  reconcileQueryFailed: ops("ReconcileQueryFailed", "Table"),
  /** canary: 1 when a round's record could not be put on the product's stream. */
  canaryPutFailed: ops("CanaryPutFailed", "Product"),
  /** freshness: minutes from a canary's send to its KPI's dashboard (gold view, or the SPICE ingestion after it). */
  measuredFreshnessMinutes: ops("MeasuredFreshnessMinutes", "Kpi"),
  /** freshness: share of the window's purchases (order_events) whose loyalty_id resolved, per stream product. */
  bridgeCoverage: ops("BridgeCoverage", "Product"),
  /** maintenance: failed, disabled or overdue S3 Tables jobs. */
  maintenanceProblems: ops("MaintenanceProblems"),
  hoursSinceMaintenance: ops("HoursSinceMaintenance", "Table", "Job"),
  /** maintenance: bronze emails set to NULL (and unresolved-identity rows deleted) past retail:privacy.rawEmailRetentionDays, per table and run. */
  rowsScrubbed: ops("RowsScrubbed", "Table"),
  /** backfill: windows of a run merged for every product so far, and still to merge (Run: range and products). */
  backfillWindowsDone: ops("BackfillWindowsDone", "Run"),
  backfillWindowsRemaining: ops("BackfillWindowsRemaining", "Run"),
  /** backfill: 1 when a finished run's switch-back checks (bridge coverage, accounting) pass, else 0. */
  backfillSwitchBackReady: ops("BackfillSwitchBackReady", "Run"),
} as const satisfies Record<string, MetricRef>;

/**
 * AWS service metrics, names and dimensions as each service documents them: Lambda
 * (docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html), SQS, Kinesis Data Streams
 * (docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html), Firehose's Iceberg delivery
 * (docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html) and Athena's per-workgroup
 * ProcessedBytes (docs.aws.amazon.com/athena/latest/ug/query-metrics-viewing.html).
 */
export const AWS_METRICS = {
  lambdaErrors: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: ["FunctionName"] },
  lambdaDuration: { namespace: "AWS/Lambda", metricName: "Duration", dimensions: ["FunctionName"] },
  /** Time an asynchronous invocation waited in Lambda's queue: the merge's single slot shows up here. */
  lambdaAsyncEventAge: { namespace: "AWS/Lambda", metricName: "AsyncEventAge", dimensions: ["FunctionName"] },
  queueVisibleMessages: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: ["QueueName"] },
  kinesisIteratorAge: { namespace: "AWS/Kinesis", metricName: "GetRecords.IteratorAgeMilliseconds", dimensions: ["StreamName"] },
  kinesisWriteThrottled: { namespace: "AWS/Kinesis", metricName: "WriteProvisionedThroughputExceeded", dimensions: ["StreamName"] },
  firehoseIcebergFreshness: { namespace: "AWS/Firehose", metricName: "DeliveryToIceberg.DataFreshness", dimensions: ["DeliveryStreamName"] },
  firehoseIcebergFailedRows: { namespace: "AWS/Firehose", metricName: "DeliveryToIceberg.FailedRowCount", dimensions: ["DeliveryStreamName"] },
  athenaProcessedBytes: { namespace: "AWS/Athena", metricName: "ProcessedBytes", dimensions: ["WorkGroup", "QueryState", "QueryType"] },
} as const satisfies Record<string, MetricRef>;

/** Query states Athena bills ProcessedBytes for: cancelled queries are billed too. */
export const ATHENA_BILLED_QUERY_STATES = ["SUCCEEDED", "FAILED", "CANCELLED"] as const;
