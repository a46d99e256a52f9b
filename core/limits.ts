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
/** Firehose flushes a stream's buffer at this size (MiB) or at its buffering interval, whichever comes first. */
export const FIREHOSE_BUFFERING_SIZE_MIB = 64;

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

/** A stream's shard count as the lane provisions it: sized from its peak, or none for an on-demand stream. */
export function provisionedShards(stream: {
  readonly capacityMode: "provisioned" | "on-demand";
  readonly peakRecordsPerSecond: number;
  readonly avgRecordBytes: number;
}): number | undefined {
  return stream.capacityMode === "provisioned" ? requiredShards(stream.peakRecordsPerSecond, stream.avgRecordBytes) : undefined;
}

/** Minutes between silver MERGE runs for a streaming product: half its freshness need, at least every minute. */
export function mergeIntervalMinutes(freshnessMinutes: number): number {
  return Math.max(1, Math.floor(freshnessMinutes / 2));
}

/**
 * Share of a product's hourly rows refused into quarantine at which it alarms: the generated data refuses ~0.4 %, so
 * 5 % is a producer sending bad rows at scale, not the usual trickle.
 */
export const QUARANTINE_RATE_ALARM = 0.05;

/** Days back from a window's start the merges match silver and accept an event (`older_than_merge_horizon` beyond). */
export const MERGE_HORIZON_DAYS = 3;
/** Days of arrivals reconciliation reads for one event day (events may arrive up to two days late). */
export const RECONCILE_ARRIVAL_DAYS = 3;
/**
 * The shortest raw-email retention: a scrubbed bronze row must never be read again by a merge or a reconciliation,
 * because a keyless row's row_key is a digest that includes its email. A row arriving on day A is merged within the
 * horizon (A + 3), reconciled under an event day no earlier than A - 3 whose arrival span ends at A, and the daily
 * reconciliation runs the day after: 3 + 3 + 1 = 7 whole days.
 */
export const RAW_EMAIL_RETENTION_MIN_DAYS = MERGE_HORIZON_DAYS + RECONCILE_ARRIVAL_DAYS + 1;
/** The longest: a year. Keeping raw emails longer is what the retention is for not doing (issue 20). */
export const RAW_EMAIL_RETENTION_MAX_DAYS = 365;

/** The silver MERGE Lambda's timeout: the worst case a merge run adds to a streaming KPI's freshness. */
export const MERGE_TIMEOUT_SECONDS = 120;
/**
 * A merge invocation still waiting for the single merge slot after this long goes to the failure queue. An hour, not the
 * 15-minute need: Lambda backs a throttled async event off up to 5 min between tries, so at the slot's ~44 % prod
 * utilisation an unlucky event collides ten times in a row about once a day, and a later run has merged its windows by
 * then anyway. Starvation shows first as staleness; the queue is for real failures.
 */
export const MERGE_MAX_EVENT_AGE_SECONDS = 3600;

/**
 * Days CloudWatch Logs can keep a log group's events: PutRetentionPolicy accepts these values and nothing in between
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
 */
export const CLOUDWATCH_LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The allowed retention values on either side of `days` (one of them absent at the ends of the list). */
export function nearestLogRetentionDays(days: number): { below?: number; above?: number } {
  const below = [...CLOUDWATCH_LOG_RETENTION_DAYS].reverse().find((d) => d < days);
  const above = CLOUDWATCH_LOG_RETENTION_DAYS.find((d) => d > days);
  return { ...(below !== undefined ? { below } : {}), ...(above !== undefined ? { above } : {}) };
}

/**
 * Default provisioned-mode shard quota per account and Region ("Quotas and limits", Kinesis Data Streams Developer
 * Guide, https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html): 20,000 shards in US East
 * (N. Virginia), US West (Oregon) and Europe (Ireland); "1,000 or 6,000" in every other Region, of which the lower is
 * taken since the guide does not say which Regions get which. Accounts may have raised theirs; this is the default.
 */
export const KINESIS_DEFAULT_SHARD_QUOTA_LARGE_REGIONS: readonly string[] = ["us-east-1", "us-west-2", "eu-west-1"];
export const KINESIS_DEFAULT_SHARD_QUOTA_LARGE = 20_000;
export const KINESIS_DEFAULT_SHARD_QUOTA_OTHER = 1_000;

export function defaultShardQuota(region: string): number {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new RangeError(`defaultShardQuota: "${region}" is not an AWS Region code such as us-east-1`);
  }
  return KINESIS_DEFAULT_SHARD_QUOTA_LARGE_REGIONS.includes(region) ? KINESIS_DEFAULT_SHARD_QUOTA_LARGE : KINESIS_DEFAULT_SHARD_QUOTA_OTHER;
}

/** What AWS accepts as one kind of resource name: its length and characters, from the API reference named in `source`. */
export interface AwsNameRule {
  /** The resource as a person says it, e.g. "Firehose stream". */
  readonly what: string;
  readonly minLength: number;
  readonly maxLength: number;
  readonly pattern: RegExp;
  /** The allowed characters in words, for messages. */
  readonly characters: string;
  readonly source: string;
}

const NAME_CHARS = {
  dotDashUnderscore: { pattern: /^[A-Za-z0-9_.-]+$/, characters: "letters, digits, _ . -" },
  singleLine: { pattern: /^[^\r\n]+$/, characters: "any characters on one line" },
} as const;

/** Name rules of the resources the platform names from its config (each checked in config, before any resource). */
export const AWS_NAME_RULES = {
  firehoseStream: {
    what: "Firehose stream",
    minLength: 1,
    maxLength: 64,
    ...NAME_CHARS.dotDashUnderscore,
    source: "https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html",
  },
  kinesisStream: {
    what: "Kinesis stream",
    minLength: 1,
    maxLength: 128,
    ...NAME_CHARS.dotDashUnderscore,
    source: "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html",
  },
  iamRole: {
    what: "IAM role",
    minLength: 1,
    maxLength: 64,
    pattern: /^[\w+=,.@-]+$/,
    characters: "letters, digits, + = , . @ _ -",
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  },
  s3Bucket: {
    what: "S3 bucket",
    minLength: 3,
    maxLength: 63,
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    characters: "lowercase letters, digits, . - (starting and ending with a letter or digit)",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  },
  s3TableBucket: {
    what: "S3 table bucket",
    minLength: 3,
    maxLength: 63,
    pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/,
    characters: "lowercase letters, digits, - (starting and ending with a letter or digit)",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-buckets-naming.html",
  },
  schedulerSchedule: {
    what: "EventBridge Scheduler schedule",
    minLength: 1,
    maxLength: 64,
    ...NAME_CHARS.dotDashUnderscore,
    source: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html",
  },
  eventBridgeRule: {
    what: "EventBridge rule",
    minLength: 1,
    maxLength: 64,
    ...NAME_CHARS.dotDashUnderscore,
    source: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
  },
  eventBridgeTarget: {
    what: "EventBridge target id",
    minLength: 1,
    maxLength: 64,
    ...NAME_CHARS.dotDashUnderscore,
    source: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html",
  },
  glueJob: {
    what: "Glue job",
    minLength: 1,
    maxLength: 255,
    ...NAME_CHARS.singleLine,
    source: "https://docs.aws.amazon.com/glue/latest/webapi/API_CreateJob.html",
  },
  glueTrigger: {
    what: "Glue trigger",
    minLength: 1,
    maxLength: 255,
    ...NAME_CHARS.singleLine,
    source: "https://docs.aws.amazon.com/glue/latest/webapi/API_CreateTrigger.html",
  },
  glueSecurityConfiguration: {
    what: "Glue security configuration",
    minLength: 1,
    maxLength: 255,
    ...NAME_CHARS.singleLine,
    source: "https://docs.aws.amazon.com/glue/latest/webapi/API_CreateSecurityConfiguration.html",
  },
  glueConnection: {
    what: "Glue connection",
    minLength: 1,
    maxLength: 255,
    ...NAME_CHARS.singleLine,
    source: "https://docs.aws.amazon.com/glue/latest/webapi/API_ConnectionInput.html",
  },
  securityGroup: {
    what: "EC2 security group",
    minLength: 1,
    maxLength: 255,
    pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
    characters: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
    source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
  },
  lambdaFunction: {
    what: "Lambda function",
    minLength: 1,
    maxLength: 64,
    pattern: /^[A-Za-z0-9_-]+$/,
    characters: "letters, digits, _ -",
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
  },
  logGroup: {
    what: "CloudWatch log group",
    minLength: 1,
    maxLength: 512,
    pattern: /^[A-Za-z0-9_.\-/#]+$/,
    characters: "letters, digits, _ . - / #",
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
  },
  metricAlarm: {
    what: "CloudWatch alarm",
    minLength: 1,
    maxLength: 255,
    ...NAME_CHARS.singleLine,
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  },
  sqsQueue: {
    what: "SQS queue",
    minLength: 1,
    maxLength: 80,
    pattern: /^[A-Za-z0-9_-]+$/,
    characters: "letters, digits, _ -",
    source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
  },
  athenaWorkgroup: {
    what: "Athena workgroup",
    minLength: 1,
    maxLength: 128,
    ...NAME_CHARS.dotDashUnderscore,
    source: "https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateWorkGroup.html",
  },
  quicksightNamespace: {
    what: "QuickSight namespace",
    minLength: 1,
    maxLength: 64,
    ...NAME_CHARS.dotDashUnderscore,
    source: "https://docs.aws.amazon.com/quicksight/latest/APIReference/API_CreateNamespace.html",
  },
} as const satisfies Record<string, AwsNameRule>;
export type AwsNameKind = keyof typeof AWS_NAME_RULES;

/** Why `name` breaks `rule`, or undefined when AWS accepts it. */
export function awsNameProblem(rule: AwsNameRule, name: string): string | undefined {
  if (name.length > rule.maxLength) return `${name.length} characters, over the ${rule.maxLength} AWS allows`;
  if (name.length < rule.minLength) return `${name.length} characters, under the ${rule.minLength} AWS requires`;
  if (!rule.pattern.test(name)) return `AWS allows only ${rule.characters}`;
  return undefined;
}

/**
 * retail:operations.reresolveHorizonDays: how far back (event time) silver rows merged unresolved are re-resolved when
 * the bridge learns a link (sql/reresolve/). At least the merge horizon, so a row is never recorded already expired;
 * at most the raw-email retention (checked in infra/config), which drops the side rows (first_seen) anyway.
 */
export const RERESOLVE_HORIZON_DEFAULT_DAYS = 30;
export const RERESOLVE_HORIZON_MIN_DAYS = MERGE_HORIZON_DAYS;
export const RERESOLVE_HORIZON_MAX_DAYS = RAW_EMAIL_RETENTION_MAX_DAYS;
