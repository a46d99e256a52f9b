import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import type { input as awsInput } from "@pulumi/aws/types";
import { ATHENA_MIN_BYTES_SCANNED_CUTOFF } from "../core/limits";
import { CHANNEL_MODES, ChannelMode, GOLD_DATABASE, viewStatement } from "../core/kpiCatalog";
import { TAG } from "../core/tags";
import { AthenaView } from "./athenaViews";
import { assumeRolePolicy, iamPolicy, Statement } from "./iam";
import { quicksightGroupArn } from "./kpiDataset";
import { secureBucket } from "./secureBucket";

const OPERATIONS = "operations";
/** Results prefix of the operations workgroup in the shared results bucket (each workgroup writes under its suffix). */
export const OPERATIONS_RESULTS_PREFIX = `${OPERATIONS}/`;
/** Operations handlers read their results within the invocation; a day covers any replay of a failed run. */
export const OPERATIONS_RESULT_RETENTION_DAYS = 1;
/** Workgroup suffixes the layer uses itself, so no owner team may take them. */
const RESERVED_SUFFIXES = ["platform", OPERATIONS];

export interface GoldViewSource {
  /** View name inside retail_gold. */
  readonly name: string;
  /** The view's SQL file text per channel mode; goldChannelMode picks one. */
  readonly sql: Readonly<Record<ChannelMode, string>>;
}

export interface GoldLayerArgs {
  readonly environment: string;
  /** store-only deploys each view's rollback variant (the seed's 48-hour rollback while identity_bridge backfills). */
  readonly channelMode: ChannelMode;
  readonly views: readonly GoldViewSource[];
  /** Owner team (as the KPI catalog spells it) → its QuickSight group; each team gets a workgroup and a data source. */
  readonly ownerGroups: Readonly<Record<string, string>>;
  readonly quicksightNamespace: string;
  readonly bytesScannedCutoffPerQuery: number;
  /** Daily bytes-scanned budget per workgroup; a CloudWatch alarm fires above it. */
  readonly dailyScanBudgetBytes: number;
  /** Days Athena query results are kept. */
  readonly resultRetentionDays: number;
  /** The S3 Tables side the views read, from IcebergNamespace. */
  readonly lakehouse: {
    readonly catalogId: pulumi.Input<string>;
    readonly tableBucketName: pulumi.Input<string>;
    readonly tableBucketArn: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Tables the views read: Athena checks them when it creates a view, so they must exist first. */
    readonly tables?: readonly pulumi.Resource[];
  };
  /** S3 Tables namespaces the views read (e.g. retail_silver), linked into the default catalog under the same name. */
  readonly linkedNamespaces: readonly string[];
  readonly alarmTopicArn: pulumi.Input<string>;
  /** Protect the gold database: dropping it drops every view the dashboards read. */
  readonly protect: boolean;
  readonly tags?: Record<string, string>;
}

/** Workgroup and data-source name part for a team: "Supply chain" → "supply-chain". */
export function teamSlug(team: string): string {
  return team
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Throws when the args cannot make a working gold layer; pure so tests call it alone. */
export function validateGoldLayerArgs(args: GoldLayerArgs, resource?: pulumi.Resource): void {
  if (!(CHANNEL_MODES as readonly string[]).includes(args.channelMode)) {
    throw new pulumi.ResourceError(`GoldLayer: channelMode "${args.channelMode}" must be one of ${CHANNEL_MODES.join(", ")}.`, resource);
  }
  if (args.views.length === 0)
    throw new pulumi.ResourceError("GoldLayer: no views. Fix: add KPI rows to the catalog and their view files to sql/gold.", resource);
  const names = new Set<string>();
  for (const v of args.views) {
    if (names.has(v.name))
      throw new pulumi.ResourceError(`GoldLayer: view ${GOLD_DATABASE}.${v.name} is listed twice. Fix: one catalog row per view.`, resource);
    names.add(v.name);
  }
  const teams = Object.keys(args.ownerGroups);
  if (teams.length === 0)
    throw new pulumi.ResourceError("GoldLayer: ownerGroups is empty. Fix: map each KPI owner team to its QuickSight group in ownerGroups.", resource);
  const slugs = new Map<string, string>();
  for (const t of teams) {
    const s = teamSlug(t);
    if (s === "" || slugs.has(s) || RESERVED_SUFFIXES.includes(s)) {
      const clash = slugs.has(s)
        ? `, already used by "${slugs.get(s)}"`
        : RESERVED_SUFFIXES.includes(s)
          ? ", reserved for the layer's own workgroup"
          : "";
      throw new pulumi.ResourceError(
        `GoldLayer: owner team "${t}" makes workgroup suffix "${s}"${clash}. Fix: give teams names that differ in letters or digits.`,
        resource,
      );
    }
    slugs.set(s, t);
  }
  if (!Number.isInteger(args.bytesScannedCutoffPerQuery) || args.bytesScannedCutoffPerQuery < ATHENA_MIN_BYTES_SCANNED_CUTOFF) {
    throw new pulumi.ResourceError(
      `GoldLayer: bytesScannedCutoffPerQuery = ${args.bytesScannedCutoffPerQuery} must be a whole number >= ${ATHENA_MIN_BYTES_SCANNED_CUTOFF} (Athena's minimum). Fix: raise bytesScannedCutoffPerQuery.`,
      resource,
    );
  }
  if (!Number.isInteger(args.resultRetentionDays) || args.resultRetentionDays < 1) {
    throw new pulumi.ResourceError(
      `GoldLayer: resultRetentionDays = ${args.resultRetentionDays} must be a whole number of days >= 1. Fix: raise resultRetentionDays.`,
      resource,
    );
  }
  for (const ns of args.linkedNamespaces) {
    if (ns === GOLD_DATABASE || !/^[a-z][a-z0-9_]*$/.test(ns)) {
      throw new pulumi.ResourceError(
        `GoldLayer: linked namespace "${ns}" must be a lowercase S3 Tables namespace other than ${GOLD_DATABASE}. Fix: gold views read silver, e.g. retail_silver.`,
        resource,
      );
    }
  }
}

/**
 * The gold layer analysts query: Athena workgroups (one for the platform's DDL, one for the Operations handlers,
 * one per KPI owner team so bytes scanned are measured and alarmed per owner) sharing one results bucket, the
 * `retail_gold` Glue database with the KPI views created from sql/gold, links from the default catalog to the
 * S3 Tables namespaces the views read, and a QuickSight Athena data source per owner workgroup with the role
 * QuickSight queries through.
 *
 * Views live in a Glue database in the default catalog because Athena does not run CREATE VIEW on S3 Tables
 * catalogs; a database resource link named like the namespace (retail_silver) lets the same SQL files run here and
 * on the local DuckDB lakehouse unchanged.
 */
export class GoldLayer extends pulumi.ComponentResource {
  public readonly resultsBucket: aws.s3.Bucket;
  /** Runs view DDL. */
  public readonly platformWorkgroup: aws.athena.Workgroup;
  /**
   * Runs the Operations handlers' queries (silver MERGE, reconciliation, freshness), and nothing else. Its results
   * are SSE_S3 because Athena refuses INSERT/UPDATE/DELETE/MERGE on S3 Tables from a workgroup with SSE-KMS or
   * CSE-KMS results (https://docs.aws.amazon.com/athena/latest/ug/gdc-register-s3-table-bucket-cat.html,
   * "Considerations and limitations"). The merge's query text carries the email-hash salt, which Athena keeps in
   * the workgroup's query history: only the Operations roles may have athena actions on this workgroup, and no
   * other workload may be pointed at it.
   */
  public readonly operationsWorkgroup: aws.athena.Workgroup;
  /** By owner team, as the catalog spells it. */
  public readonly teamWorkgroups: Record<string, aws.athena.Workgroup>;
  public readonly scanAlarms: Record<string, aws.cloudwatch.MetricAlarm>;
  public readonly goldDatabase: aws.glue.CatalogDatabase;
  public readonly namespaceLinks: Record<string, aws.glue.CatalogDatabase>;
  public readonly views: Record<string, AthenaView>;
  public readonly quicksightRole: aws.iam.Role;
  /** By owner team. */
  public readonly dataSources: Record<string, aws.quicksight.DataSource>;
  public readonly channelMode: ChannelMode;

  constructor(name: string, args: GoldLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:GoldLayer", name, {}, opts);
    validateGoldLayerArgs(args, this);
    const { lakehouse, tags = {} } = args;
    const layerTags = { ...tags, [TAG.environment]: args.environment, [TAG.component]: "GoldLayer" };
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    this.channelMode = args.channelMode;

    // Query results are disposable, so the bucket empties on destroy even in prod.
    this.resultsBucket = secureBucket(`${name}-results`, { kmsKeyArn: lakehouse.kmsKeyArn, forceDestroy: true, tags: layerTags }, this);
    // Our own lifecycle rather than secureBucket's single expireAfterDays: a bucket has one lifecycle configuration,
    // and it needs a shorter rule for the operations prefix and the cleanup of abandoned multipart uploads.
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-results`,
      {
        bucket: this.resultsBucket.id,
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
      { parent: this },
    );
    new aws.s3.BucketPolicy(
      `${name}-results`,
      {
        bucket: this.resultsBucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [this.resultsBucket.arn, pulumi.interpolate`${this.resultsBucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      { parent: this },
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
              outputLocation: pulumi.interpolate`s3://${this.resultsBucket.bucket}/${suffix}/`,
              encryptionConfiguration,
            },
          },
          tags: layerTags,
        },
        { parent: this },
      );
    const scanAlarm = (suffix: string, wg: aws.athena.Workgroup) => {
      // Athena publishes ProcessedBytes per WorkGroup, QueryState and QueryType; cancelled queries are billed too.
      const states = ["SUCCEEDED", "FAILED", "CANCELLED"];
      return new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}-daily-scan`,
        {
          alarmDescription: `Athena workgroup ${name}-${suffix} scanned more than ${args.dailyScanBudgetBytes} bytes in a day (retail:athena.dailyScanBudgetBytes). See README, Operations.`,
          metricQueries: [
            ...states.map((state, i) => ({
              id: `m${i}`,
              returnData: false,
              metric: {
                namespace: "AWS/Athena",
                metricName: "ProcessedBytes",
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
        { parent: this },
      );
    };

    const sseKms = { encryptionOption: "SSE_KMS", kmsKeyArn: lakehouse.kmsKeyArn };
    this.platformWorkgroup = workgroup("platform", `Gold view DDL (${args.environment})`, sseKms);
    this.operationsWorkgroup = workgroup(
      OPERATIONS,
      `Operations: silver MERGE, reconciliation, freshness; Operations roles only (${args.environment})`,
      {
        encryptionOption: "SSE_S3",
      },
    );
    this.scanAlarms = { platform: scanAlarm("platform", this.platformWorkgroup), operations: scanAlarm(OPERATIONS, this.operationsWorkgroup) };
    this.teamWorkgroups = {};
    for (const team of Object.keys(args.ownerGroups)) {
      const slug = teamSlug(team);
      this.teamWorkgroups[team] = workgroup(slug, `${team} KPI queries from QuickSight (${args.environment})`, sseKms);
      this.scanAlarms[team] = scanAlarm(slug, this.teamWorkgroups[team]);
    }

    this.goldDatabase = new aws.glue.CatalogDatabase(
      `${name}-${GOLD_DATABASE}`,
      {
        name: GOLD_DATABASE,
        description: "Gold KPI views; defined in sql/gold (omnichannel or store-only per retail:goldChannelMode), deployed by Pulumi",
        tags: layerTags,
      },
      { parent: this, protect: args.protect },
    );
    this.namespaceLinks = Object.fromEntries(
      args.linkedNamespaces.map((ns) => [
        ns,
        new aws.glue.CatalogDatabase(
          `${name}-link-${ns}`,
          {
            name: ns,
            description: `Resource link to the S3 Tables namespace ${ns}`,
            targetDatabase: { catalogId: lakehouse.catalogId, databaseName: ns },
          },
          { parent: this },
        ),
      ]),
    );

    this.views = {};
    for (const v of args.views) {
      this.views[v.name] = new AthenaView(
        `${name}-view-${v.name}`,
        {
          viewName: v.name,
          database: GOLD_DATABASE,
          statement: viewStatement(v.sql[args.channelMode]),
          workGroup: this.platformWorkgroup.name,
          region: region.region,
        },
        { parent: this, dependsOn: [this.goldDatabase, ...Object.values(this.namespaceLinks), ...(lakehouse.tables ?? [])] },
      );
    }

    this.quicksightRole = new aws.iam.Role(
      `${name}-quicksight`,
      { assumeRolePolicy: assumeRolePolicy("quicksight.amazonaws.com"), tags: layerTags },
      { parent: this },
    );
    const arn = (service: string, resource: pulumi.Input<string>) =>
      pulumi.interpolate`arn:aws:${service}:${region.region}:${identity.accountId}:${resource}`;
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
        Resource: Object.values(this.teamWorkgroups).map((wg) => arn("athena", pulumi.interpolate`workgroup/${wg.name}`)),
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
            arn("glue", `table/${ns}/*`),
            arn("glue", pulumi.interpolate`database/s3tablescatalog/${lakehouse.tableBucketName}/${ns}`),
            arn("glue", pulumi.interpolate`table/s3tablescatalog/${lakehouse.tableBucketName}/${ns}/*`),
          ]),
        ],
      },
      {
        Sid: "ReadSilverTables",
        Effect: "Allow",
        Action: [
          "s3tables:GetTableBucket",
          "s3tables:GetNamespace",
          "s3tables:GetTable",
          "s3tables:GetTableData",
          "s3tables:GetTableMetadataLocation",
        ],
        Resource: [lakehouse.tableBucketArn, pulumi.interpolate`${lakehouse.tableBucketArn}/table/*`],
      },
      {
        // Lake Formation vends table credentials; GetDataAccess has no resource-level scoping.
        Sid: "LakeFormationCredentials",
        Effect: "Allow",
        Action: ["lakeformation:GetDataAccess"],
        Resource: ["*"],
      },
      {
        Sid: "QueryResultsBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
        Resource: [this.resultsBucket.arn],
      },
      {
        Sid: "QueryResultsObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: [pulumi.interpolate`${this.resultsBucket.arn}/*`],
      },
      {
        Sid: "UseKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [lakehouse.kmsKeyArn],
      },
    ];
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-quicksight`,
      { role: this.quicksightRole.id, policy: iamPolicy(statements) },
      { parent: this },
    );
    const grants = args.linkedNamespaces.flatMap((ns) => [
      // Lake Formation: DESCRIBE on the resource link itself (default catalog), then the target's permissions.
      new aws.lakeformation.Permissions(
        `${name}-quicksight-${ns}-link`,
        { principal: this.quicksightRole.arn, permissions: ["DESCRIBE"], database: { name: ns } },
        { parent: this, dependsOn: [this.namespaceLinks[ns]] },
      ),
      new aws.lakeformation.Permissions(
        `${name}-quicksight-${ns}`,
        { principal: this.quicksightRole.arn, permissions: ["DESCRIBE"], database: { catalogId: lakehouse.catalogId, name: ns } },
        { parent: this },
      ),
      new aws.lakeformation.Permissions(
        `${name}-quicksight-${ns}-tables`,
        {
          principal: this.quicksightRole.arn,
          permissions: ["SELECT", "DESCRIBE"],
          table: { catalogId: lakehouse.catalogId, databaseName: ns, wildcard: true },
        },
        { parent: this },
      ),
    ]);

    this.dataSources = {};
    for (const [team, group] of Object.entries(args.ownerGroups)) {
      const slug = teamSlug(team);
      this.dataSources[team] = new aws.quicksight.DataSource(
        `${name}-${slug}`,
        {
          dataSourceId: `${name}-${slug}`,
          name: `${team} gold KPIs (${args.environment})`,
          type: "ATHENA",
          parameters: { athena: { workGroup: this.teamWorkgroups[team].name, roleArn: this.quicksightRole.arn } },
          // The team may use the connection in its own analyses; Pulumi alone changes or deletes it.
          permissions: [
            {
              principal: quicksightGroupArn(region.region, identity.accountId, args.quicksightNamespace, group),
              actions: ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"],
            },
          ],
          tags: layerTags,
        },
        { parent: this, dependsOn: [rolePolicy, ...grants] },
      );
    }

    this.registerOutputs({
      channelMode: this.channelMode,
      goldDatabase: this.goldDatabase.name,
      platformWorkgroup: this.platformWorkgroup.name,
      operationsWorkgroup: this.operationsWorkgroup.name,
      teamWorkgroups: Object.fromEntries(Object.entries(this.teamWorkgroups).map(([t, wg]) => [t, wg.name])),
      views: Object.keys(this.views),
      resultsBucket: this.resultsBucket.bucket,
    });
  }
}
