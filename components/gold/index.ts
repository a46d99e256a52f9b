import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { ChannelMode } from "../../core/kpiCatalog";
import { TAG } from "../../core/tags";
import { AthenaView } from "../athenaViews";
import { type GoldLayerArgs, validateGoldLayerArgs } from "./args";
import { createGoldCatalog } from "./catalog";
import { createQuicksightAccess } from "./quicksightAccess";
import { createQueryWorkgroups, QueryWorkgroup } from "./workgroups";

export type { GoldLayerArgs, GoldViewSource } from "./args";
export { validateGoldLayerArgs } from "./args";
export type { GoldCatalog } from "./catalog";
export { createGoldCatalog } from "./catalog";
export { teamSlug } from "../../core/names";
export type { QuicksightAccess } from "./quicksightAccess";
export { createQuicksightAccess } from "./quicksightAccess";
export { AUTHOR_DASHBOARD_ACTIONS, ExecutiveDashboard, VIEWER_DASHBOARD_ACTIONS } from "./executiveDashboard";
export type { ExecutiveDashboardArgs } from "./executiveDashboard";
export { executiveDashboardDefinition } from "./dashboardDefinition";
export type { QueryWorkgroup, QueryWorkgroups } from "./workgroups";
export { OPERATIONS_RESULT_RETENTION_DAYS, OPERATIONS_RESULTS_PREFIX, createQueryWorkgroups, queryWorkgroup } from "./workgroups";

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
   * Runs the Operations handlers' queries (silver MERGE, reconciliation, freshness, member erasure), and nothing
   * else. Its results are SSE_S3 because Athena refuses INSERT/UPDATE/DELETE/MERGE on S3 Tables from a workgroup with
   * SSE-KMS or CSE-KMS results (https://docs.aws.amazon.com/athena/latest/ug/gdc-register-s3-table-bucket-cat.html,
   * "Considerations and limitations"). Its query history names tables and loyalty ids (an erasure's), never the
   * email-hash salt (read from its table): still, only the Operations roles may have athena actions on it.
   */
  public readonly operationsWorkgroup: aws.athena.Workgroup;
  /** The operations workgroup and its query grant, handed to Operations. */
  public readonly operationsQuery: QueryWorkgroup;
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
    const layerTags = { ...args.tags, [TAG.environment]: args.environment, [TAG.component]: "GoldLayer" };
    this.channelMode = args.channelMode;

    const workgroups = createQueryWorkgroups(name, { ...args, kmsKeyArn: args.lakehouse.kmsKeyArn }, layerTags, this);
    this.resultsBucket = workgroups.resultsBucket;
    this.platformWorkgroup = workgroups.platformWorkgroup;
    this.operationsWorkgroup = workgroups.operationsWorkgroup;
    this.operationsQuery = workgroups.operationsQuery;
    this.teamWorkgroups = workgroups.teamWorkgroups;
    this.scanAlarms = workgroups.scanAlarms;

    const migrations = args.lakehouse.migrate?.(this.operationsQuery.name) ?? [];
    const catalog = createGoldCatalog(name, args, this.platformWorkgroup, args.account.region, layerTags, this, migrations);
    this.goldDatabase = catalog.goldDatabase;
    this.namespaceLinks = catalog.namespaceLinks;
    this.views = catalog.views;

    const access = createQuicksightAccess(
      name,
      args,
      { teamWorkgroups: this.teamWorkgroups, resultsBucket: this.resultsBucket, namespaceLinks: this.namespaceLinks },
      args.account,
      layerTags,
      this,
    );
    this.quicksightRole = access.quicksightRole;
    this.dataSources = access.dataSources;

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
