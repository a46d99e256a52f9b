import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { ChannelMode, GOLD_DATABASE } from "../../core/kpiCatalog";
import { tableAccess } from "../../core/sql/access";
import { assumeRolePolicy, iamPolicy, Statement, LAKE_FORMATION_CREDENTIALS } from "../iam";
import { arn as accountArn, AwsAccount } from "../account";
import { quicksightGroupArn } from "../kpiDataset";
import type { GoldLayerArgs, GoldViewSource } from "./args";
import { teamSlug } from "../../core/names";

export interface QuicksightAccess {
  readonly quicksightRole: aws.iam.Role;
  /** By owner team. */
  readonly dataSources: Record<string, aws.quicksight.DataSource>;
}

/**
 * The linked-namespace tables (`namespace.table`) the deployed views read, and so all QuickSight may read: a table
 * no view reads (identity_bridge, quarantine, bronze) gets no grant, so dashboards cannot reach it.
 */
export function viewInputs(views: readonly GoldViewSource[], channelMode: ChannelMode, linkedNamespaces: readonly string[]): string[] {
  return tableAccess(views.map((v) => v.sql[channelMode])).reads.filter((t) => linkedNamespaces.includes(t.split(".")[0]));
}

/**
 * The role QuickSight queries through (IAM and Lake Formation on the owner workgroups, the gold and linked
 * catalogs, the silver tables the views read and the results bucket) and a QuickSight Athena data source per owner workgroup.
 */
export function createQuicksightAccess(
  name: string,
  args: Pick<GoldLayerArgs, "environment" | "ownerGroups" | "quicksightNamespace" | "lakehouse" | "linkedNamespaces" | "views" | "channelMode">,
  uses: {
    readonly teamWorkgroups: Record<string, aws.athena.Workgroup>;
    readonly resultsBucket: aws.s3.Bucket;
    readonly namespaceLinks: Record<string, aws.glue.CatalogDatabase>;
  },
  account: AwsAccount,
  layerTags: Record<string, string>,
  parent: pulumi.Resource,
): QuicksightAccess {
  const { lakehouse } = args;
  const { teamWorkgroups, resultsBucket, namespaceLinks } = uses;
  const inputs = viewInputs(args.views, args.channelMode, args.linkedNamespaces);
  const quicksightRole = new aws.iam.Role(
    `${name}-quicksight`,
    { assumeRolePolicy: assumeRolePolicy("quicksight.amazonaws.com", account), tags: layerTags },
    { parent },
  );
  const arn = (service: string, resource: pulumi.Input<string>) => accountArn(account, service, resource);
  const statements: pulumi.Input<Statement>[] = [
    {
      Sid: "QueryOwnerWorkgroups",
      Effect: "Allow",
      Action: [
        "athena:StartQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:GetQueryResultsStream",
        "athena:StopQueryExecution",
        "athena:GetWorkGroup",
      ],
      Resource: Object.values(teamWorkgroups).map((wg) => arn("athena", pulumi.interpolate`workgroup/${wg.name}`)),
    },
    {
      Sid: "ReadGoldAndLinkedCatalog",
      Effect: "Allow",
      Action: ["glue:GetCatalog", "glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
      Resource: [
        arn("glue", "catalog"),
        arn("glue", `database/${GOLD_DATABASE}`),
        arn("glue", `table/${GOLD_DATABASE}/*`),
        arn("glue", "catalog/s3tablescatalog"),
        arn("glue", pulumi.interpolate`catalog/s3tablescatalog/${lakehouse.tableBucketName}`),
        // Reading through a resource link takes IAM on the link and its tables as well as on the target
        // (docs.aws.amazon.com/lake-formation/latest/dg/resource-links-glue-apis.html).
        ...args.linkedNamespaces.flatMap((ns) => [
          arn("glue", `database/${ns}`),
          arn("glue", pulumi.interpolate`database/s3tablescatalog/${lakehouse.tableBucketName}/${ns}`),
        ]),
        ...inputs.flatMap((t) => {
          const [ns, table] = t.split(".");
          return [
            arn("glue", `table/${ns}/${table}`),
            arn("glue", pulumi.interpolate`table/s3tablescatalog/${lakehouse.tableBucketName}/${ns}/${table}`),
          ];
        }),
      ],
    },
    {
      Sid: "ReadSilverTables",
      Effect: "Allow",
      Action: ["s3tables:GetTableBucket", "s3tables:GetNamespace", "s3tables:GetTable", "s3tables:GetTableData", "s3tables:GetTableMetadataLocation"],
      Resource: [lakehouse.tableBucketArn, pulumi.interpolate`${lakehouse.tableBucketArn}/table/*`],
    },
    LAKE_FORMATION_CREDENTIALS,
    {
      Sid: "QueryResultsBucket",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      Resource: [resultsBucket.arn],
    },
    {
      Sid: "QueryResultsObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: [pulumi.interpolate`${resultsBucket.arn}/*`],
    },
    {
      Sid: "UseKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [lakehouse.kmsKeyArn],
    },
  ];
  const rolePolicy = new aws.iam.RolePolicy(`${name}-quicksight`, { role: quicksightRole.id, policy: iamPolicy(statements) }, { parent });
  const grants = args.linkedNamespaces.flatMap((ns) => [
    // Lake Formation: DESCRIBE on the resource link itself (default catalog), then the target's permissions.
    new aws.lakeformation.Permissions(
      `${name}-quicksight-${ns}-link`,
      { principal: quicksightRole.arn, permissions: ["DESCRIBE"], database: { name: ns } },
      { parent, dependsOn: [namespaceLinks[ns]] },
    ),
    new aws.lakeformation.Permissions(
      `${name}-quicksight-${ns}`,
      { principal: quicksightRole.arn, permissions: ["DESCRIBE"], database: { catalogId: lakehouse.catalogId, name: ns } },
      { parent },
    ),
    ...inputs
      .filter((t) => t.startsWith(`${ns}.`))
      .map(
        (t) =>
          new aws.lakeformation.Permissions(
            `${name}-quicksight-${t}`,
            {
              principal: quicksightRole.arn,
              permissions: ["SELECT", "DESCRIBE"],
              table: { catalogId: lakehouse.catalogId, databaseName: ns, name: t.split(".")[1] },
            },
            // A grant on a named table fails until the table exists.
            { parent, dependsOn: [...(lakehouse.tables ?? [])] },
          ),
      ),
  ]);

  const dataSources: Record<string, aws.quicksight.DataSource> = {};
  for (const [team, group] of Object.entries(args.ownerGroups)) {
    const slug = teamSlug(team);
    dataSources[team] = new aws.quicksight.DataSource(
      `${name}-${slug}`,
      {
        dataSourceId: `${name}-${slug}`,
        name: `${team} gold KPIs (${args.environment})`,
        type: "ATHENA",
        parameters: { athena: { workGroup: teamWorkgroups[team].name, roleArn: quicksightRole.arn } },
        // The team may use the connection in its own analyses; Pulumi alone changes or deletes it.
        permissions: [
          {
            principal: quicksightGroupArn(account, args.quicksightNamespace, group),
            actions: ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"],
          },
        ],
        tags: layerTags,
      },
      { parent, dependsOn: [rolePolicy, ...grants] },
    );
  }
  return { quicksightRole, dataSources };
}
