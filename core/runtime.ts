/**
 * Names the deployed program and the Lambda handlers must agree on at run time: the components set them, the
 * handlers read them, the alarms and dashboards watch them.
 */

/** Environment variables the Operations component sets on its functions. */
export const ENV = {
  workGroup: "ATHENA_WORKGROUP",
  catalog: "ATHENA_CATALOG",
  queryDeadlineMs: "QUERY_DEADLINE_MS",
  topicArn: "ALARM_TOPIC_ARN",
  tableBucketArn: "TABLE_BUCKET_ARN",
  /** JSON array of the SPICE dataset ids the erase function re-ingests. */
  spiceDatasetIds: "SPICE_DATASET_IDS",
  /** The account QuickSight's calls name: ListIngestions (freshness, SPICE KPIs), CreateIngestion (erase). */
  awsAccountId: "AWS_ACCOUNT_ID",
  /** JSON object: Kinesis stream name by stream product, for the canary. */
  canaryStreams: "CANARY_STREAMS",
  /** The merge function's name: the backfill invokes it for each window. */
  mergeFunctionName: "MERGE_FUNCTION_NAME",
} as const;

/** CloudWatch namespace every operations metric goes to; the Lambda roles may write to this one only. */
export const METRIC_NAMESPACE = "Retail/Operations";
