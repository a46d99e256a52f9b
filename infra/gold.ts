import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { GoldLayer } from "../components/gold";
import { KpiDataset, quicksightGroupArn } from "../components/kpiDataset";
import { IcebergNamespace } from "../components/icebergNamespace";
import { PlatformConfig } from "./config";
import { dailyRefreshTime, freshnessBudget, freshnessOverruns, KpiFreshness } from "../core/freshness";
import { effectiveImportMode, GOLD_DATABASE, GOLD_SQL_DIR, loadKpiCatalog, referencedNamespaces, viewStatement } from "../core/kpiCatalog";
import { REPO_ROOT } from "../core/paths";
import { slug } from "../core/names";
import { TAG } from "../core/tags";
import { AwsAccount } from "../components/account";
import { ExecutiveDashboard } from "../components/gold/executiveDashboard";
import { kpiVisualSpecs } from "../core/kpiVisuals";
import { formatUtc, modeIngestionId, parseUtc } from "../core/rollback";
import { rollbackWatch } from "../components/gold/rollbackWatch";

export interface GoldInputs {
  readonly config: Pick<PlatformConfig, "environment" | "athena" | "quicksight" | "goldChannelMode" | "goldChannelModeSince" | "streams" | "batches">;
  /** The table bucket the views read: its catalog identity, key and tables. */
  readonly lakehouse: Pick<IcebergNamespace, "catalogId" | "tableBucketName" | "tableBucketArn" | "kmsKeyArn" | "tables">;
  /** Registers the tables' schema migrations in the operations workgroup; the views wait for them (GoldLayerArgs). */
  readonly migrate?: (operationsWorkGroup: pulumi.Input<string>) => readonly pulumi.Resource[];
  /** Each table's schema version, which the views follow (GoldLayerArgs.lakehouse.schemaVersions). */
  readonly schemaVersions?: Readonly<Record<string, number>>;
  readonly alarmTopicArn: pulumi.Input<string>;
  readonly account: AwsAccount;
  /** Protect the gold database and the datasets (true in prod). */
  readonly protect: boolean;
  /** Defaults: the repository's core/catalog/retail-kpi-catalog.csv and sql/gold. */
  readonly catalogFile?: string;
  readonly goldSqlDir?: string;
}

export interface GoldOutputs {
  readonly athenaWorkgroups: pulumi.Output<{ platform: string; teams: Record<string, string> }>;
  readonly goldDatabase: pulumi.Output<string>;
  readonly quicksightDataSources: pulumi.Output<Record<string, { id: string; arn: string }>>;
  readonly quicksightDatasets: pulumi.Output<Record<string, { id: string; arn: string; importMode: string; spilled: boolean }>>;
  /** Steward-approved KPIs: the only ones with an Amazon Q topic. */
  readonly qEligibleKpis: string[];
  readonly qTopics: pulumi.Output<Record<string, string>>;
  /** The mode and the SQL file each view was deployed from, so a rollback is visible in the stack outputs. */
  readonly goldChannelMode: { mode: string; since: string; viewSources: Record<string, string> };
  readonly freshnessBudget: Record<string, KpiFreshness>;
  /** The QuickSight executive dashboard built from the catalog, and the version QuickSight publishes. */
  readonly executiveDashboard: pulumi.Output<{ id: string; arn: string; versionNumber: number }>;
}

/**
 * Options of every KpiDataset: a child of the gold layer, created after its views. Datasets used to sit beside the
 * layer, under `formerParent` (the stack when none); the alias makes `pulumi up` move them there, not replace them.
 */
export function kpiDatasetOptions(goldLayer: GoldLayer, formerParent?: pulumi.Resource): pulumi.ComponentResourceOptions {
  return {
    parent: goldLayer,
    // Datasets query the views; creating them before the views exist fails QuickSight's validation.
    dependsOn: Object.values(goldLayer.views),
    aliases: [{ parent: formerParent ?? pulumi.rootStackResource }],
  };
}

/**
 * Build the gold layer and one KpiDataset per catalog row. Everything KPI-specific comes from the catalog and the
 * gold SQL files; the catalog is validated (and the freshness budget computed) before any resource is created.
 */
export function buildGold(
  name: string,
  inputs: GoldInputs,
  parent?: pulumi.Resource,
): { goldLayer: GoldLayer; datasets: Record<string, KpiDataset>; dashboard: ExecutiveDashboard; outputs: GoldOutputs } {
  const { config } = inputs;
  const goldSqlDir = inputs.goldSqlDir ?? GOLD_SQL_DIR;
  const kpis = loadKpiCatalog({ file: inputs.catalogFile, goldSqlDir, ownerTeams: Object.keys(config.quicksight.ownerGroups) });
  for (const k of kpis) effectiveImportMode(k, config.quicksight.spiceRowCap);
  const visuals = kpiVisualSpecs(kpis);
  const budget = freshnessBudget(config, kpis);
  for (const overrun of freshnessOverruns(budget)) pulumi.log.warn(`freshness: ${overrun}`, parent);

  const mode = config.goldChannelMode;
  // Validated with the config (infra/config/schema.ts).
  const since = parseUtc(config.goldChannelModeSince)!;
  const tags = { [TAG.environment]: config.environment };
  const goldLayer = new GoldLayer(
    name,
    {
      account: inputs.account,
      environment: config.environment,
      channelMode: mode,
      views: kpis.map((k) => ({ name: k.view, sql: k.viewSql })),
      ownerGroups: Object.fromEntries([...new Set(kpis.map((k) => k.ownerTeam))].map((t) => [t, config.quicksight.ownerGroups[t]])),
      quicksightNamespace: config.quicksight.namespace,
      bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
      dailyScanBudgetBytes: config.athena.dailyScanBudgetBytes,
      resultRetentionDays: config.athena.resultRetentionDays,
      lakehouse: {
        ...inputs.lakehouse,
        tables: Object.values(inputs.lakehouse.tables),
        migrate: inputs.migrate,
        schemaVersions: inputs.schemaVersions,
      },
      linkedNamespaces: referencedNamespaces(kpis.flatMap((k) => Object.values(k.viewSql).map(viewStatement))),
      alarmTopicArn: inputs.alarmTopicArn,
      protect: inputs.protect,
      tags,
    },
    { parent },
  );

  rollbackWatch(
    name,
    { mode, since, alarmTopicArn: inputs.alarmTopicArn, kmsKeyArn: inputs.lakehouse.kmsKeyArn, account: inputs.account, tags },
    goldLayer,
  );

  const refreshAt = dailyRefreshTime(config);
  const datasets: Record<string, KpiDataset> = {};
  for (const k of kpis) {
    datasets[k.kpi] = new KpiDataset(
      `${name}-${slug(k.kpi)}`,
      {
        kpi: k,
        spiceRowCap: config.quicksight.spiceRowCap,
        dataSourceArn: goldLayer.dataSources[k.ownerTeam].arn,
        ownerGroupArn: quicksightGroupArn(inputs.account, config.quicksight.namespace, config.quicksight.ownerGroups[k.ownerTeam]),
        dailyRefreshTime: refreshAt,
        deployIngestionId: modeIngestionId(mode, since),
        awsAccountId: inputs.account.accountId,
        protect: inputs.protect,
        tags,
      },
      kpiDatasetOptions(goldLayer, parent),
    );
  }

  const groupArn = (group: string) => quicksightGroupArn(inputs.account, config.quicksight.namespace, group);
  const dashboard = new ExecutiveDashboard(
    `${name}-executive`,
    {
      kpis: visuals,
      datasetArns: Object.fromEntries(Object.entries(datasets).map(([kpi, d]) => [kpi, d.dataSet.arn])),
      awsAccountId: inputs.account.accountId,
      viewerArns: Object.keys(goldLayer.dataSources)
        .sort()
        .map((team) => groupArn(config.quicksight.ownerGroups[team])),
      authorArn: groupArn(config.quicksight.authorGroup),
      environment: config.environment,
      tags,
    },
    { parent: goldLayer },
  );

  const topics = Object.entries(datasets).filter(([, d]) => d.topic !== undefined);
  const outputs: GoldOutputs = {
    athenaWorkgroups: pulumi.output({
      platform: goldLayer.platformWorkgroup.name,
      teams: Object.fromEntries(Object.entries(goldLayer.teamWorkgroups).map(([t, wg]) => [t, wg.name])),
    }),
    goldDatabase: goldLayer.goldDatabase.name,
    quicksightDataSources: pulumi.output(
      Object.fromEntries(Object.entries(goldLayer.dataSources).map(([t, ds]) => [t, { id: ds.dataSourceId, arn: ds.arn }])),
    ),
    quicksightDatasets: pulumi.output(
      Object.fromEntries(
        Object.entries(datasets).map(([kpi, d]) => [
          kpi,
          { id: d.dataSet.dataSetId, arn: d.dataSet.arn, importMode: d.importMode, spilled: d.spilled },
        ]),
      ),
    ),
    qEligibleKpis: kpis.filter((k) => k.stewardApproved).map((k) => k.kpi),
    qTopics: pulumi.output(Object.fromEntries(topics.map(([kpi, d]) => [kpi, d.topic!.arn]))),
    goldChannelMode: {
      mode,
      since: formatUtc(since),
      viewSources: Object.fromEntries(
        kpis.map((k) => [`${GOLD_DATABASE}.${k.view}`, path.relative(REPO_ROOT, path.join(goldSqlDir, mode, `${k.view}.sql`))]),
      ),
    },
    freshnessBudget: budget,
    executiveDashboard: pulumi.output({ id: dashboard.dashboardId, arn: dashboard.arn, versionNumber: dashboard.versionNumber }),
  };
  return { goldLayer, datasets, dashboard, outputs };
}
