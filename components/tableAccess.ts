import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { NamespaceName } from "../core/namespaces";
import { TableAccess } from "../core/sql/access";
import { arn, AwsAccount } from "./account";
import { Grant, LAKE_FORMATION_CREDENTIALS, Statement } from "./iam";

/** The parts of a table bucket its grants name; IcebergNamespace is one. */
export interface TableBucketRef {
  readonly account: AwsAccount;
  readonly tableBucketArn: pulumi.Input<string>;
  readonly tableBucketName: pulumi.Input<string>;
  /** `<account>:s3tablescatalog/<bucket>`, for Lake Formation grants. */
  readonly catalogId: pulumi.Input<string>;
  readonly catalogArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly namespaces: Record<NamespaceName, pulumi.Input<string>>;
  /** By `<namespace>.<table>`. */
  readonly tables: Record<string, { readonly tableArn: pulumi.Input<string> } & pulumi.Resource>;
}

function split(fq: string): [NamespaceName, string] {
  const [ns, table] = fq.split(".");
  return [ns as NamespaceName, table];
}

function table(b: TableBucketRef, fq: string) {
  const t = b.tables[fq];
  if (!t) throw new Error(`table ${fq} is not in this table bucket; it holds ${Object.keys(b.tables).sort().join(", ")}`);
  return t;
}

/**
 * Lake Formation table permissions by role in the pipeline. None but Firehose (on its one bronze table, below) holds
 * ALL, ALTER or DROP: schema changes are migrations run with the deploying identity (components/tableMigration.ts),
 * and no data role can drop what it writes. A direct writer appends (INSERT, with DESCRIBE to resolve the table);
 * neither Firehose's Iceberg destination nor the S3 Tables Firehose guide documents more than "the required
 * permissions in Lake Formation" on the table. That DML without ALL is enough for Athena's MERGE, UPDATE and DELETE
 * on S3 Tables is not verified offline: the first dev deploy's merge proves it or not.
 */
export const LF_TABLE_PERMISSIONS = {
  appendWriter: ["INSERT", "DESCRIBE"],
  /**
   * Firehose's Iceberg destination refuses anything less than ALL on its table ("Caller is required to have ALL
   * permissions on the table" with INSERT + ALTER: the S3 Tables ingestion module thulasirajkomminar/
   * terraform-aws-s3tables-ingestion, lakeformation.tf, and ../shared/aws-facts.md). Held on its one bronze table only.
   */
  firehoseWriter: ["ALL"],
  /** An Athena MERGE: reads the target to match rows, inserts, and deletes what it replaces (merge-on-read). */
  mergeWriter: ["SELECT", "INSERT", "DELETE", "DESCRIBE"],
  /** The member erasure: finds the member's rows and deletes them; it never inserts. */
  deleter: ["SELECT", "DELETE", "DESCRIBE"],
  reader: ["SELECT", "DESCRIBE"],
} as const satisfies Record<string, readonly string[]>;

/** What a query principal's statements do to the tables they write: MERGE/INSERT (and DELETE), or DELETE alone. */
export type QueryWrites = "merge" | "delete";

/**
 * A direct writer of exactly one table (Firehose, a Glue job): the Glue catalog chain down to that table, the
 * table's data, credential vending; in Lake Formation DESCRIBE on the namespace and the append permissions on the
 * table. The catalog id goes in the nested blocks; a top-level catalogId of this form is rejected
 * (terraform-provider-aws#49463).
 */
export type WriterKind = "firehose" | "append";

export function grantTableWrite(
  b: TableBucketRef,
  name: string,
  principal: pulumi.Input<string>,
  fq: string,
  parent: pulumi.Resource,
  writer: WriterKind = "append",
): Grant {
  const [ns, tableName] = split(fq);
  const target = table(b, fq);
  const namespace = b.namespaces[ns];
  const glue = (resource: pulumi.Input<string>) => arn(b.account, "glue", resource);
  const statements: Statement[] = [
    {
      Sid: "IcebergCatalog",
      Effect: "Allow",
      Action: ["glue:GetCatalog", "glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:UpdateTable"],
      Resource: [
        glue("catalog"),
        glue("catalog/s3tablescatalog"),
        glue(pulumi.interpolate`catalog/s3tablescatalog/${b.tableBucketName}`),
        glue(pulumi.interpolate`database/s3tablescatalog/${b.tableBucketName}/${namespace}`),
        glue(pulumi.interpolate`table/s3tablescatalog/${b.tableBucketName}/${namespace}/${tableName}`),
      ],
    },
    {
      Sid: "WriteBronzeTable",
      Effect: "Allow",
      Action: [
        "s3tables:GetTableBucket",
        "s3tables:GetNamespace",
        "s3tables:GetTable",
        "s3tables:GetTableData",
        "s3tables:PutTableData",
        "s3tables:GetTableMetadataLocation",
        "s3tables:UpdateTableMetadataLocation",
      ],
      Resource: [b.tableBucketArn, target.tableArn],
    },
    LAKE_FORMATION_CREDENTIALS,
  ];
  const resources = [
    new aws.lakeformation.Permissions(
      `${name}-namespace`,
      { principal, permissions: ["DESCRIBE"], database: { catalogId: b.catalogId, name: namespace } },
      { parent },
    ),
    new aws.lakeformation.Permissions(
      `${name}-table`,
      {
        principal,
        permissions: [...LF_TABLE_PERMISSIONS[writer === "firehose" ? "firehoseWriter" : "appendWriter"]],
        table: { catalogId: b.catalogId, databaseName: namespace, name: tableName },
      },
      { parent },
    ),
  ];
  return { statements, resources };
}

/**
 * A principal that reads and writes tables through Athena (the operations handlers): the catalog entries of what
 * `access` names, a commit on what it writes, credential vending and the bucket's key; in Lake Formation DESCRIBE
 * on the namespaces, SELECT on reads, the merge's DML on writes (never ALTER or DROP). The workgroup's own
 * statements come from its owner.
 */
export function grantTableQuery(
  b: TableBucketRef,
  name: string,
  principal: pulumi.Input<string>,
  access: TableAccess,
  parent: pulumi.Resource,
  writeKind: QueryWrites = "merge",
): Grant {
  const glue = (resource: pulumi.Input<string>) => arn(b.account, "glue", resource);
  const all = [...access.reads, ...access.writes];
  const namespaces = [...new Set(all.map((t) => split(t)[0]))];
  const catalogTables = (fq: readonly string[]) =>
    fq.map((t) => {
      const [ns, tableName] = split(t);
      return glue(pulumi.interpolate`table/s3tablescatalog/${b.tableBucketName}/${ns}/${tableName}`);
    });
  const statements: Statement[] = [
    {
      Sid: "CatalogRead",
      Effect: "Allow",
      Action: ["glue:GetCatalog", "glue:GetDatabase", "glue:GetTable"],
      Resource: [
        glue("catalog"),
        glue("catalog/s3tablescatalog"),
        b.catalogArn,
        ...namespaces.map((ns) => glue(pulumi.interpolate`database/s3tablescatalog/${b.tableBucketName}/${ns}`)),
        ...catalogTables(all),
      ],
    },
    ...(access.writes.length > 0
      ? [{ Sid: "CatalogCommit", Effect: "Allow" as const, Action: ["glue:UpdateTable"], Resource: catalogTables(access.writes) }]
      : []),
    LAKE_FORMATION_CREDENTIALS,
    { Sid: "TableBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [b.kmsKeyArn] },
  ];
  const grant = (suffix: string, permissions: string[], target: Partial<aws.lakeformation.PermissionsArgs>, dependsOn: pulumi.Resource[]) =>
    new aws.lakeformation.Permissions(`${name}-${suffix}`, { principal, permissions, ...target }, { parent, dependsOn });
  const tableGrant = (fq: string, permissions: string[]) => {
    const [ns, tableName] = split(fq);
    return grant(fq, permissions, { table: { catalogId: b.catalogId, databaseName: ns, name: tableName } }, [table(b, fq)]);
  };
  const resources = [
    ...namespaces.map((ns) => grant(ns, ["DESCRIBE"], { database: { catalogId: b.catalogId, name: b.namespaces[ns] } }, [])),
    ...access.reads.map((t) => tableGrant(t, [...LF_TABLE_PERMISSIONS.reader])),
    ...access.writes.map((t) => tableGrant(t, [...LF_TABLE_PERMISSIONS[writeKind === "delete" ? "deleter" : "mergeWriter"]])),
  ];
  return { statements, resources };
}
