/**
 * Service limits and sizing rules the platform is held to. Components, the policy pack, the plan report
 * and the docs all read them from here, so a limit is stated once.
 */

/** Kinesis Data Streams: one shard takes 1,000 records/s and 1 MiB/s of writes, whichever binds first. */
export const KINESIS_RECORDS_PER_SHARD = 1000;
export const KINESIS_BYTES_PER_SHARD = 1024 * 1024;
/** The seed's architecture was not load-tested above this sustained rate; plans warn beyond it. */
export const UNTESTED_PEAK_RECORDS_PER_SECOND = 8000;

/** QuickSight SPICE: datasets above this many rows spill to direct query (QuickSight production guidance in the seed). */
export const SPICE_ROW_CAP = 10_000_000;

/** Athena's smallest allowed bytes-scanned cutoff per query (10 MB). */
export const ATHENA_MIN_BYTES_SCANNED_CUTOFF = 10_000_000;

/** Firehose's Iceberg destination buffers between 0 and 900 seconds. */
export const FIREHOSE_MAX_BUFFERING_SECONDS = 900;
export const FIREHOSE_MIN_BUFFERING_SECONDS = 60;
/** Below this freshness need, buffering plus a merge cannot deliver: such a product is a config error. */
export const MIN_STREAM_FRESHNESS_MINUTES = 2;

/**
 * Shards a provisioned stream needs for a declared peak: max(ceil(records/s ÷ 1000), ceil(bytes/s ÷ 1 MiB)).
 * Sized for the peak before the peak (the seed: "scale shards before Black Friday, not on the day").
 */
export function requiredShards(peakRecordsPerSecond: number, avgRecordBytes: number): number {
  if (!(peakRecordsPerSecond > 0) || !(avgRecordBytes > 0)) {
    throw new RangeError(`requiredShards: peakRecordsPerSecond (${peakRecordsPerSecond}) and avgRecordBytes (${avgRecordBytes}) must be positive`);
  }
  const byRecords = Math.ceil(peakRecordsPerSecond / KINESIS_RECORDS_PER_SHARD);
  const byBytes = Math.ceil((peakRecordsPerSecond * avgRecordBytes) / KINESIS_BYTES_PER_SHARD);
  return Math.max(byRecords, byBytes);
}

/**
 * Firehose buffering interval from a product's freshness need: a fifth of the need, within Firehose's range,
 * so that buffering, the silver merge and the dataset refresh together stay inside the need.
 */
export function firehoseBufferingSeconds(freshnessMinutes: number): number {
  return Math.min(FIREHOSE_MAX_BUFFERING_SECONDS, Math.max(FIREHOSE_MIN_BUFFERING_SECONDS, Math.floor((freshnessMinutes * 60) / 5)));
}

/** Minutes between silver MERGE runs for a streaming product: half its freshness need, at least every minute. */
export function mergeIntervalMinutes(freshnessMinutes: number): number {
  return Math.max(1, Math.floor(freshnessMinutes / 2));
}

/** The silver MERGE Lambda's timeout: the worst case a merge run adds to a streaming KPI's freshness. */
export const MERGE_TIMEOUT_SECONDS = 120;
