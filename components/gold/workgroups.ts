import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import type { input as awsInput } from "@pulumi/aws/types";
import { Statement } from "../iam";
import { secureBucket } from "../secureBucket";
import type { GoldLayerArgs } from "./args";
import { OPERATIONS_WORKGROUP as OPERATIONS, PLATFORM_WORKGROUP as PLATFORM, teamSlug } from "../../core/names";
import { ATHENA_BILLED_QUERY_STATES, AWS_METRICS } from "../../core/metrics";

/** Results prefix of the operations workgroup in the shared results bucket (each workgroup writes under its suffix). */
export const OPERATIONS_RESULTS_PREFIX = `${OPERATIONS}/`;
/** Operations handlers read their results within the invocation; a day covers any replay of a failed run. */
export const OPERATIONS_RESULT_RETENTION_DAYS = 1;

/** A workgroup as its users need it: its name, and the statements to run queries in it and read its results. */
export interface QueryWorkgroup {
  readonly name: pulumi.Input<string>;
  grantQuery(): Statement[];
}

/**
 * Running queries in one workgroup: the query actions on it, and its results under its own prefix only (the
 * other workgroups' results, KPI rows, are not its users' to read).
 */
export function queryWorkgroup(w: {
  readonly name: pulumi.Input<string>;
  readonly arn: pulumi.Input<string>;
  readonly resultsBucketArn: pulumi.Input<string>;
  readonly resultsPrefix: string;
}): QueryWorkgroup {
  return {
    name: w.name,
    grantQuery: () => [
      {
        Sid: "AthenaQueries",
        Effect: "Allow",
        Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"],
        Resource: [w.arn],
      },
      { Sid: "AthenaResultsBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [w.resultsBucketArn] },
      {
        Sid: "AthenaResults",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: [pulumi.interpolate`${w.resultsBucketArn}/${w.resultsPrefix}*`],
      },
    ],
  };
}

export interface QueryWorkgroups {
  readonly resultsBucket: aws.s3.Bucket;
  readonly platformWorkgroup: aws.athena.Workgroup;
  readonly operationsWorkgroup: aws.athena.Workgroup;
  /** The operations workgroup with its query grant, for the Operations roles. */
  readonly operationsQuery: QueryWorkgroup;
  /** By owner team, as the catalog spells it. */
  readonly teamWorkgroups: Record<string, aws.athena.Workgroup>;
  readonly scanAlarms: Record<string, aws.cloudwatch.MetricAlarm>;
}

/**
 * The Athena workgroups (platform DDL, Operations handlers, one per owner team so bytes scanned are measured and
 * alarmed per owner), their shared results bucket and a daily scanned-bytes alarm per workgroup.
 */
export function createQueryWorkgroups(
  name: string,
  args: Pick<
    GoldLayerArgs,
    "environment" | "ownerGroups" | "bytesScannedCutoffPerQuery" | "dailyScanBudgetBytes" | "resultRetentionDays" | "alarmTopicArn"
  > & { readonly kmsKeyArn: pulumi.Input<string> },
  layerTags: Record<string, string>,
  parent: pulumi.Resource,
): QueryWorkgroups {
  // Query results are disposable, so the bucket empties on destroy even in prod.
  const resultsBucket = secureBucket(`${name}-results`, { kmsKeyArn: args.kmsKeyArn, forceDestroy: true, tags: layerTags }, parent);
  // Our own lifecycle rather than secureBucket's single expireAfterDays: a bucket has one lifecycle configuration,
  // and it needs a shorter rule for the operations prefix and the cleanup of abandoned multipart uploads.
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-results`,
    {
      bucket: resultsBucket.id,
      rules: [
        {
          id: "expire-query-results",
          status: "Enabled",
          filter: {},
          expiration: { days: args.resultRetentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
        // Where two expirations overlap S3 honours the shorter one, so this rule wins over the one above.
        {
          id: "expire-operations-results",
          status: "Enabled",
          filter: { prefix: OPERATIONS_RESULTS_PREFIX },
          expiration: { days: OPERATIONS_RESULT_RETENTION_DAYS },
        },
      ],
    },
    { parent },
  );
  new aws.s3.BucketPolicy(
    `${name}-results`,
    {
      bucket: resultsBucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [resultsBucket.arn, pulumi.interpolate`${resultsBucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    },
    { parent },
  );

  const workgroup = (
    suffix: string,
    description: string,
    encryptionConfiguration: awsInput.athena.WorkgroupConfigurationResultConfigurationEncryptionConfiguration,
  ) =>
    new aws.athena.Workgroup(
      `${name}-${suffix}`,
      {
        name: `${name}-${suffix}`,
        description,
        forceDestroy: true,
        configuration: {
          engineVersion: { selectedEngineVersion: "Athena engine version 3" },
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: args.bytesScannedCutoffPerQuery,
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${resultsBucket.bucket}/${suffix}/`,
            encryptionConfiguration,
          },
        },
        tags: layerTags,
      },
      { parent },
    );
  const scanAlarm = (suffix: string, wg: aws.athena.Workgroup) => {
    // Athena publishes ProcessedBytes per WorkGroup, QueryState and QueryType; cancelled queries are billed too.
    const states = ATHENA_BILLED_QUERY_STATES;
    return new aws.cloudwatch.MetricAlarm(
      `${name}-${suffix}-daily-scan`,
      {
        alarmDescription: `Athena workgroup ${name}-${suffix} scanned more than ${args.dailyScanBudgetBytes} bytes in a day (retail:athena.dailyScanBudgetBytes). See README, Operations.`,
        metricQueries: [
          ...states.map((state, i) => ({
            id: `m${i}`,
            returnData: false,
            metric: {
              namespace: AWS_METRICS.athenaProcessedBytes.namespace,
              metricName: AWS_METRICS.athenaProcessedBytes.metricName,
              dimensions: { WorkGroup: wg.name, QueryState: state, QueryType: "DML" },
              period: 86400,
              stat: "Sum",
            },
          })),
          { id: "scanned", label: "Bytes scanned per day", returnData: true, expression: states.map((_, i) => `FILL(m${i}, 0)`).join(" + ") },
        ],
        comparisonOperator: "GreaterThanThreshold",
        threshold: args.dailyScanBudgetBytes,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        alarmActions: [args.alarmTopicArn],
        okActions: [args.alarmTopicArn],
        tags: layerTags,
      },
      { parent },
    );
  };

  const sseKms = { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn };
  const platformWorkgroup = workgroup(PLATFORM, `Gold view DDL (${args.environment})`, sseKms);
  const operationsWorkgroup = workgroup(
    OPERATIONS,
    `Operations: silver MERGE, reconciliation, freshness; Operations roles only (${args.environment})`,
    {
      encryptionOption: "SSE_S3",
    },
  );
  const scanAlarms: Record<string, aws.cloudwatch.MetricAlarm> = {
    platform: scanAlarm(PLATFORM, platformWorkgroup),
    operations: scanAlarm(OPERATIONS, operationsWorkgroup),
  };
  const teamWorkgroups: Record<string, aws.athena.Workgroup> = {};
  for (const team of Object.keys(args.ownerGroups)) {
    const slug = teamSlug(team);
    teamWorkgroups[team] = workgroup(slug, `${team} KPI queries from QuickSight (${args.environment})`, sseKms);
    scanAlarms[team] = scanAlarm(slug, teamWorkgroups[team]);
  }
  const operationsQuery = queryWorkgroup({
    name: operationsWorkgroup.name,
    arn: operationsWorkgroup.arn,
    resultsBucketArn: resultsBucket.arn,
    resultsPrefix: OPERATIONS_RESULTS_PREFIX,
  });
  return { resultsBucket, platformWorkgroup, operationsWorkgroup, operationsQuery, teamWorkgroups, scanAlarms };
}
