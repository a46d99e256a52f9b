import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import { arn, AwsAccount } from "./account";
import { LAKE_FORMATION_CREDENTIALS, Statement } from "./iam";

/** One bronze table in the S3 Tables catalog, as a writer (Firehose or a Glue job) must name it. */
export interface BronzeTarget {
  readonly tableBucketArn: pulumi.Input<string>;
  readonly tableBucketName: pulumi.Input<string>;
  /** `<account>:s3tablescatalog/<bucket>`, for Lake Formation grants. */
  readonly catalogId: pulumi.Input<string>;
  readonly namespace: pulumi.Input<string>;
  readonly table: string;
  readonly tableArn: pulumi.Input<string>;
}

/** The bronze-table arguments both lanes take, documented once. */
export interface BronzeTableArgs {
  readonly tableBucketArn: pulumi.Input<string>;
  readonly tableBucketName: pulumi.Input<string>;
  /** `<account>:s3tablescatalog/<bucket>`, for Lake Formation grants. */
  readonly catalogId: pulumi.Input<string>;
  /** The bronze namespace and the ARN of the product's table in it. */
  readonly bronzeNamespace: pulumi.Input<string>;
  readonly bronzeTableArn: pulumi.Input<string>;
}

/** A lane's bronze target: its product's table in the bronze namespace. */
export function bronzeTarget(args: BronzeTableArgs, product: string): BronzeTarget {
  return {
    tableBucketArn: args.tableBucketArn,
    tableBucketName: args.tableBucketName,
    catalogId: args.catalogId,
    namespace: args.bronzeNamespace,
    table: product,
    tableArn: args.bronzeTableArn,
  };
}

/**
 * What a writer of exactly one bronze table needs: the Glue catalog chain down to that table (catalog,
 * s3tablescatalog, the bucket's catalog, the namespace, the table), the table's data, and Lake Formation's
 * credential vending. Both lanes use it, so a lane can never reach another lane's table.
 */
export function bronzeWriterStatements(t: BronzeTarget, account: AwsAccount): Statement[] {
  const glue = (resource: pulumi.Input<string>) => arn(account, "glue", resource);
  return [
    {
      Sid: "IcebergCatalog",
      Effect: "Allow",
      Action: ["glue:GetCatalog", "glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:UpdateTable"],
      Resource: [
        glue("catalog"),
        glue("catalog/s3tablescatalog"),
        glue(pulumi.interpolate`catalog/s3tablescatalog/${t.tableBucketName}`),
        glue(pulumi.interpolate`database/s3tablescatalog/${t.tableBucketName}/${t.namespace}`),
        glue(pulumi.interpolate`table/s3tablescatalog/${t.tableBucketName}/${t.namespace}/${t.table}`),
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
      Resource: [t.tableBucketArn, t.tableArn],
    },
    LAKE_FORMATION_CREDENTIALS,
  ];
}

/**
 * Lake Formation governs S3 Tables access: DESCRIBE on the namespace and ALL on the table (INSERT+ALTER
 * alone fails: "Caller is required to have ALL permissions on the table"). The catalog id goes in the
 * nested blocks; a top-level catalogId of this form is rejected (terraform-provider-aws#49463).
 */
export function grantBronzeWriter(
  name: string,
  principal: pulumi.Input<string>,
  t: BronzeTarget,
  parent: pulumi.Resource,
): aws.lakeformation.Permissions[] {
  return [
    new aws.lakeformation.Permissions(
      `${name}-namespace`,
      { principal, permissions: ["DESCRIBE"], database: { catalogId: t.catalogId, name: t.namespace } },
      { parent },
    ),
    new aws.lakeformation.Permissions(
      `${name}-table`,
      { principal, permissions: ["ALL"], table: { catalogId: t.catalogId, databaseName: t.namespace, name: t.table } },
      { parent },
    ),
  ];
}
