import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { NamespaceName } from "../../core/namespaces";
import { METRIC_NAMESPACE } from "../../core/runtime";
import { TableAccess } from "../../core/sql/access";
import { Statement, LAKE_FORMATION_CREDENTIALS } from "../iam";
import type { OperationsArgs } from "./index";

/** What every operations role and grant is scoped to: the lakehouse, the workgroup, the topic, the key and the queue. */
export interface AccessScope {
  readonly args: OperationsArgs;
  readonly failureQueueArn: pulumi.Input<string>;
  /** A Glue Data Catalog ARN of the stack's account and region. */
  readonly glue: (resource: pulumi.Input<string>) => pulumi.Output<string>;
}

function catalogTables(scope: AccessScope, fq: readonly string[]): pulumi.Output<string>[] {
  return fq.map((t) => {
    const [ns, table] = t.split(".");
    return scope.glue(pulumi.interpolate`table/s3tablescatalog/${scope.args.lakehouse.tableBucketName}/${ns}/${table}`);
  });
}

function catalogDatabases(scope: AccessScope, fq: readonly string[]): pulumi.Output<string>[] {
  return [...new Set(fq.map((t) => t.split(".")[0]))].map((ns) =>
    scope.glue(pulumi.interpolate`database/s3tablescatalog/${scope.args.lakehouse.tableBucketName}/${ns}`),
  );
}

/** What every handler does: write its log stream, put metrics in our namespace, alert, dead-letter, use the platform key. */
export function commonStatements(scope: AccessScope, logGroup: aws.cloudwatch.LogGroup): pulumi.Input<Statement>[] {
  const { args } = scope;
  return [
    {
      Sid: "Logs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [pulumi.interpolate`${logGroup.arn}:log-stream:*`],
    },
    {
      // PutMetricData has no resource-level permissions; the condition pins it to our namespace.
      Sid: "Metrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: ["*"],
      Condition: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } },
    },
    { Sid: "Alert", Effect: "Allow", Action: ["sns:Publish"], Resource: [args.alarmTopicArn] },
    { Sid: "FailureDestination", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [scope.failureQueueArn] },
    // The alarm topic, the failure queue and the salt secret are encrypted with the platform key.
    { Sid: "PlatformKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [args.kmsKeyArn] },
  ];
}

/** Querying the tables `access` names through the operations workgroup. */
export function athenaStatements(scope: AccessScope, access: TableAccess): pulumi.Input<Statement>[] {
  const { args } = scope;
  const all = [...access.reads, ...access.writes];
  return [
    {
      Sid: "AthenaQueries",
      Effect: "Allow",
      Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"],
      Resource: [args.athenaWorkgroupArn],
    },
    { Sid: "AthenaResultsBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [args.athenaResultsBucketArn] },
    {
      // Only the workgroup's own prefix: the other workgroups' results (KPI rows) are not ours to read.
      Sid: "AthenaResults",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: [pulumi.interpolate`${args.athenaResultsBucketArn}/${args.athenaResultsPrefix}*`],
    },
    {
      Sid: "CatalogRead",
      Effect: "Allow",
      Action: ["glue:GetCatalog", "glue:GetDatabase", "glue:GetTable"],
      Resource: [
        scope.glue("catalog"),
        scope.glue("catalog/s3tablescatalog"),
        args.lakehouse.catalogArn,
        ...catalogDatabases(scope, all),
        ...catalogTables(scope, all),
      ],
    },
    ...(access.writes.length > 0
      ? [{ Sid: "CatalogCommit", Effect: "Allow" as const, Action: ["glue:UpdateTable"], Resource: catalogTables(scope, access.writes) }]
      : []),
    LAKE_FORMATION_CREDENTIALS,
    { Sid: "TableBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [args.lakehouse.kmsKeyArn] },
  ];
}

/** Lake Formation grants for `role` on what `access` names: DESCRIBE on namespaces, SELECT on reads, ALL on writes. */
export function lakeFormationGrants(
  name: string,
  scope: AccessScope,
  role: aws.iam.Role,
  access: TableAccess,
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const { lakehouse } = scope.args;
  const catalogId = lakehouse.catalogId;
  const namespaces = [...new Set([...access.reads, ...access.writes].map((t) => t.split(".")[0]))];
  const grant = (suffix: string, permissions: string[], target: Partial<aws.lakeformation.PermissionsArgs>, dependsOn: pulumi.Resource[]) =>
    new aws.lakeformation.Permissions(`${name}-${suffix}`, { principal: role.arn, permissions, ...target }, { parent, dependsOn });
  return [
    ...namespaces.map((ns) => grant(ns, ["DESCRIBE"], { database: { catalogId, name: lakehouse.namespaces[ns as NamespaceName] } }, [])),
    ...access.reads.map((t) => {
      const [ns, table] = t.split(".");
      return grant(t, ["SELECT", "DESCRIBE"], { table: { catalogId, databaseName: ns, name: table } }, [lakehouse.tables[t]]);
    }),
    // Athena commits an Iceberg MERGE through Lake Formation, which needs ALL on the target, as Firehose does.
    ...access.writes.map((t) => {
      const [ns, table] = t.split(".");
      return grant(t, ["ALL"], { table: { catalogId, databaseName: ns, name: table } }, [lakehouse.tables[t]]);
    }),
  ];
}
