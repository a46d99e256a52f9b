import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { FIREHOSE_BUFFERING_SIZE_MIB, firehoseBufferingSeconds, provisionedShards, UNTESTED_PEAK_RECORDS_PER_SECOND } from "../core/limits";
import { TAG, tagValue } from "../core/tags";
import { AwsAccount } from "./account";
import { assumeRolePolicy, iamPolicy, Statement } from "./iam";
import type { LaneLakehouse } from "./icebergNamespace";
import { secureBucket } from "./secureBucket";
import { AWS_METRICS } from "../core/metrics";

/** Firehose writes the product's bronze table. */
export interface StreamingLaneArgs {
  /** The account, region and partition the stack runs in (the program looks them up once). */
  readonly account: AwsAccount;
  /** The data product this lane carries, e.g. `cart_events`; also the bronze table's name. */
  readonly product: string;
  /** Sustained records/s expected at the peak, before the peak. */
  readonly peakRecordsPerSecond: number;
  /** Average record size in bytes. */
  readonly avgRecordBytes: number;
  /** provisioned: shards sized from the peak; on-demand: AWS scales (costlier at steady load). */
  readonly capacityMode: "provisioned" | "on-demand";
  /** Freshness need in minutes; Firehose buffering and alarm thresholds derive from it. */
  readonly freshnessMinutes: number;
  /** Kinesis retention in hours. */
  readonly retentionHours: number;
  /** KMS key for the stream (and the error bucket). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The lakehouse holding the bronze table `retail_bronze.<product>`; it grants the lane's role write access. */
  readonly lakehouse: LaneLakehouse;
  /** Alarms notify this topic. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** Stateful resources (the stream) are protected when true. */
  readonly protect: boolean;
  readonly tags?: Record<string, string>;
}

/** Throws on args that cannot make a working lane; pure so tests and the plan call it alone. */
export function validateStreamingLaneArgs(args: StreamingLaneArgs, resource?: pulumi.Resource): void {
  const where = `StreamingLane "${args.product}"`;
  if (!/^[a-z][a-z0-9_]*$/.test(args.product)) {
    throw new pulumi.ResourceError(
      `${where}: product must be a lowercase table name (Firehose requires lowercase). Fix: rename it, e.g. cart_events.`,
      resource,
    );
  }
  if (!Number.isInteger(args.peakRecordsPerSecond) || args.peakRecordsPerSecond < 1) {
    throw new pulumi.ResourceError(
      `${where}: peakRecordsPerSecond = ${args.peakRecordsPerSecond} must be a whole number >= 1. Fix: declare the sustained peak writes/s.`,
      resource,
    );
  }
  if (!Number.isInteger(args.avgRecordBytes) || args.avgRecordBytes < 1 || args.avgRecordBytes > 1024 * 1024) {
    throw new pulumi.ResourceError(
      `${where}: avgRecordBytes = ${args.avgRecordBytes} must be 1 to 1048576 (a Kinesis record is at most 1 MiB). Fix: declare the average record size.`,
      resource,
    );
  }
}

/**
 * One streaming data product: Kinesis stream → Firehose (Iceberg destination) → its bronze table in
 * S3 Tables, with a least-privilege delivery role, Lake Formation grants and delivery alarms.
 */
export class StreamingLane extends pulumi.ComponentResource {
  public readonly stream: aws.kinesis.Stream;
  public readonly firehose: aws.kinesis.FirehoseDeliveryStream;
  public readonly role: aws.iam.Role;
  public readonly errorBucket: aws.s3.Bucket;
  public readonly shardCount: number | undefined;
  public readonly bufferingSeconds: number;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: StreamingLaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:StreamingLane", name, {}, opts);
    validateStreamingLaneArgs(args, this);
    const { product, tags = {} } = args;
    const laneTags = {
      ...tags,
      [TAG.dataProduct]: product,
      [TAG.lane]: "stream",
      [TAG.component]: "StreamingLane",
    };

    if (args.peakRecordsPerSecond > UNTESTED_PEAK_RECORDS_PER_SECOND) {
      pulumi.log.warn(
        `${product}: declared peak ${args.peakRecordsPerSecond} records/s is above ${UNTESTED_PEAK_RECORDS_PER_SECOND}/s, which this architecture was not load-tested at: load-test before the peak.`,
        this,
      );
    }
    this.shardCount = provisionedShards(args);
    this.stream = new aws.kinesis.Stream(
      `${name}-stream`,
      {
        ...(this.shardCount !== undefined ? { shardCount: this.shardCount } : {}),
        streamModeDetails: { streamMode: args.capacityMode === "provisioned" ? "PROVISIONED" : "ON_DEMAND" },
        retentionPeriod: args.retentionHours,
        encryptionType: "KMS",
        kmsKeyId: args.kmsKeyArn,
        shardLevelMetrics: ["IncomingBytes", "IncomingRecords", "WriteProvisionedThroughputExceeded", "IteratorAgeMilliseconds"],
        tags: {
          ...laneTags,
          [TAG.peakRecordsPerSecond]: tagValue(args.peakRecordsPerSecond),
          [TAG.avgRecordBytes]: tagValue(args.avgRecordBytes),
        },
      },
      { parent: this, protect: args.protect },
    );

    this.errorBucket = secureBucket(
      `${name}-errors`,
      { kmsKeyArn: args.kmsKeyArn, expireAfterDays: 30, forceDestroy: !args.protect, tags: laneTags },
      this,
    );

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-firehose`,
      // Delivery errors quote the failing records, so the log is encrypted as the stream is.
      { retentionInDays: 30, kmsKeyId: args.kmsKeyArn, tags: laneTags },
      { parent: this },
    );
    const logStream = new aws.cloudwatch.LogStream(`${name}-firehose`, { logGroupName: logGroup.name, name: "iceberg-delivery" }, { parent: this });

    this.role = new aws.iam.Role(
      `${name}-firehose`,
      {
        assumeRolePolicy: assumeRolePolicy("firehose.amazonaws.com", args.account),
        tags: laneTags,
      },
      { parent: this },
    );

    const bronze = args.lakehouse.grantWrite(name, this.role.arn, `retail_bronze.${product}`, this, "firehose");
    const statements: pulumi.Input<Statement>[] = [
      {
        Sid: "ReadSourceStream",
        Effect: "Allow",
        Action: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"],
        Resource: [this.stream.arn],
      },
      {
        Sid: "UseKeys",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [args.kmsKeyArn, args.lakehouse.kmsKeyArn],
      },
      ...bronze.statements,
      {
        Sid: "DeliveryErrors",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject", "s3:GetObject"],
        Resource: [this.errorBucket.arn, pulumi.interpolate`${this.errorBucket.arn}/*`],
      },
      {
        Sid: "DeliveryLogs",
        Effect: "Allow",
        Action: ["logs:PutLogEvents"],
        Resource: [pulumi.interpolate`${logGroup.arn}:log-stream:*`],
      },
    ];
    const rolePolicy = new aws.iam.RolePolicy(`${name}-firehose`, { role: this.role.id, policy: iamPolicy(statements) }, { parent: this });

    this.bufferingSeconds = firehoseBufferingSeconds(args.freshnessMinutes);
    this.firehose = new aws.kinesis.FirehoseDeliveryStream(
      `${name}-delivery`,
      {
        destination: "iceberg",
        kinesisSourceConfiguration: { kinesisStreamArn: this.stream.arn, roleArn: this.role.arn },
        icebergConfiguration: {
          catalogArn: args.lakehouse.catalogArn,
          roleArn: this.role.arn,
          bufferingInterval: this.bufferingSeconds,
          bufferingSize: FIREHOSE_BUFFERING_SIZE_MIB,
          retryDuration: 300,
          // Bronze keeps every event as sent; dedupe happens in the silver MERGE, so plain appends suffice.
          appendOnly: true,
          destinationTableConfigurations: [
            { databaseName: args.lakehouse.namespaces.retail_bronze, tableName: product, s3ErrorOutputPrefix: `${product}/table-errors/` },
          ],
          s3Configuration: {
            bucketArn: this.errorBucket.arn,
            roleArn: this.role.arn,
            errorOutputPrefix: `${product}/errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
            bufferingInterval: 300,
            bufferingSize: 5,
            compressionFormat: "GZIP",
          },
          cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup.name, logStreamName: logStream.name },
        },
        tags: laneTags,
      },
      { parent: this, dependsOn: [rolePolicy, ...bronze.resources] },
    );

    const freshnessSeconds = args.freshnessMinutes * 60;
    const alarm = (suffix: string, a: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "tags">) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        { ...a, alarmActions: [args.alarmTopicArn], okActions: [args.alarmTopicArn], tags: laneTags },
        { parent: this },
      );
    this.alarms = [
      alarm("iterator-age", {
        alarmDescription: `${product}: Firehose is reading the stream more than half the ${args.freshnessMinutes}-min freshness need behind. See README, Operations.`,
        namespace: AWS_METRICS.kinesisIteratorAge.namespace,
        metricName: AWS_METRICS.kinesisIteratorAge.metricName,
        dimensions: { StreamName: this.stream.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        threshold: (freshnessSeconds / 2) * 1000,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
      alarm("write-throttled", {
        alarmDescription: `${product}: producers are throttled; the stream needs more shards than ${this.shardCount ?? "on-demand gives"}. See README, Operations.`,
        namespace: AWS_METRICS.kinesisWriteThrottled.namespace,
        metricName: AWS_METRICS.kinesisWriteThrottled.metricName,
        dimensions: { StreamName: this.stream.name },
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
      alarm("delivery-freshness", {
        alarmDescription: `${product}: the oldest undelivered record in Firehose is older than the ${args.freshnessMinutes}-min freshness need. See README, Operations.`,
        namespace: AWS_METRICS.firehoseIcebergFreshness.namespace,
        metricName: AWS_METRICS.firehoseIcebergFreshness.metricName,
        dimensions: { DeliveryStreamName: this.firehose.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        threshold: freshnessSeconds,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
      alarm("delivery-failed-rows", {
        alarmDescription: `${product}: rows failed Iceberg delivery and went to s3://<errors bucket>/${product}/. See README, Operations.`,
        namespace: AWS_METRICS.firehoseIcebergFailedRows.namespace,
        metricName: AWS_METRICS.firehoseIcebergFailedRows.metricName,
        dimensions: { DeliveryStreamName: this.firehose.name },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
    ];

    this.registerOutputs({
      streamName: this.stream.name,
      streamArn: this.stream.arn,
      firehoseName: this.firehose.name,
      shardCount: this.shardCount,
      bufferingSeconds: this.bufferingSeconds,
    });
  }
}
