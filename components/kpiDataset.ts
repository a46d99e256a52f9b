import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import * as quicksightNative from "@pulumi/aws-native/quicksight";
import { effectiveImportMode, GOLD_DATABASE, ImportMode, KpiDefinition } from "../core/kpiCatalog";
import { INCREMENTAL_LOOKBACK_DAYS, refreshWindowSql } from "../core/refreshWindow";
import { formatProducts, TAG, tagValue } from "../core/tags";
import { arn, AwsAccount } from "./account";

export type KpiDatasetKpi = Pick<
  KpiDefinition,
  | "kpi"
  | "definition"
  | "view"
  | "importMode"
  | "spillToDirectQuery"
  | "refresh"
  | "stewardApproved"
  | "expectedRows"
  | "eventTimeColumn"
  | "source"
  | "refreshWindowDays"
  | "sourceProducts"
>;

export interface KpiDatasetArgs {
  /** The KPI's catalog row. */
  readonly kpi: KpiDatasetKpi;
  /** SPICE row cap: larger KPIs spill to direct query. */
  readonly spiceRowCap: number;
  /** The owner team's QuickSight Athena data source. */
  readonly dataSourceArn: pulumi.Input<string>;
  /** The owner team's QuickSight group (see quicksightGroupArn). */
  readonly ownerGroupArn: pulumi.Input<string>;
  /** UTC "HH:MM" for daily refreshes and for the nightly full refresh behind an incremental one. */
  readonly dailyRefreshTime: string;
  readonly awsAccountId: pulumi.Input<string>;
  /**
   * Id of a full SPICE ingestion run as part of the deploy (core/rollback.ts modeIngestionId): a new id re-ingests the
   * dataset when the change lands, not at its next schedule. SPICE datasets only.
   */
  readonly deployIngestionId?: string;
  /** Protect the dataset: analyses and dashboards bind to its ARN, and a replacement breaks them. */
  readonly protect: boolean;
  readonly tags?: Record<string, string>;
}

/** `arn:<partition>:quicksight:<region>:<account>:group/<namespace>/<group>`. */
export function quicksightGroupArn(account: AwsAccount, namespace: pulumi.Input<string>, group: pulumi.Input<string>): pulumi.Output<string> {
  return arn(account, "quicksight", pulumi.interpolate`group/${namespace}/${group}`);
}

export { INCREMENTAL_LOOKBACK_DAYS } from "../core/refreshWindow";

/** What the owner team may do: use and refresh the dataset; its definition changes only through the catalog. */
export const OWNER_DATASET_ACTIONS = [
  "quicksight:DescribeDataSet",
  "quicksight:DescribeDataSetPermissions",
  "quicksight:PassDataSet",
  "quicksight:DescribeIngestion",
  "quicksight:ListIngestions",
  "quicksight:CreateIngestion",
  "quicksight:CancelIngestion",
];

/**
 * Validate the args and settle the import mode: DIRECT_QUERY when the KPI spills past the SPICE cap, an error
 * naming the KPI when the catalog pins SPICE above the cap. Pure: tests and the builder call it alone.
 */
export function validateKpiDatasetArgs(
  args: Pick<KpiDatasetArgs, "kpi" | "spiceRowCap" | "dailyRefreshTime">,
  resource?: pulumi.Resource,
): {
  importMode: ImportMode;
  spilled: boolean;
} {
  const { kpi } = args;
  if (!/^[a-z][a-z0-9_]*$/.test(kpi.kpi))
    throw new pulumi.ResourceError(
      `KpiDataset: KPI name "${kpi.kpi}" must be lowercase letters, digits and underscores. Fix: rename it in the catalog.`,
      resource,
    );
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(args.dailyRefreshTime)) {
    throw new pulumi.ResourceError(
      `KpiDataset "${kpi.kpi}": dailyRefreshTime "${args.dailyRefreshTime}" must be HH:MM (UTC). Fix: pass e.g. 04:30.`,
      resource,
    );
  }
  if (!Number.isInteger(args.spiceRowCap) || args.spiceRowCap < 1) {
    throw new pulumi.ResourceError(
      `KpiDataset "${kpi.kpi}": spiceRowCap = ${args.spiceRowCap} must be a positive whole number. Fix: pass the SPICE row cap.`,
      resource,
    );
  }
  const importMode = effectiveImportMode(kpi, args.spiceRowCap);
  if (importMode === "SPICE" && !kpi.refresh) {
    throw new pulumi.ResourceError(
      `KpiDataset "${kpi.kpi}" (${kpi.source}): a SPICE dataset needs a refresh cadence. Fix: set refresh_cadence in the catalog.`,
      resource,
    );
  }
  if (importMode === "SPICE" && kpi.refreshWindowDays === undefined) {
    throw new pulumi.ResourceError(
      `KpiDataset "${kpi.kpi}" (${kpi.source}): a SPICE dataset needs a bounded refresh window, or each full refresh scans all of silver. Fix: set refresh_window_days in the catalog.`,
      resource,
    );
  }
  return { importMode, spilled: importMode !== kpi.importMode };
}

/** The SQL a dataset runs: SPICE reads the catalog's window of its view (core/refreshWindow.ts); DIRECT_QUERY reads the view live. */
export function kpiDatasetSql(kpi: Pick<KpiDatasetKpi, "view" | "eventTimeColumn" | "refreshWindowDays">, importMode: ImportMode): string {
  if (importMode === "SPICE") return refreshWindowSql(GOLD_DATABASE, kpi.view, kpi.eventTimeColumn, kpi.refreshWindowDays!);
  return `SELECT * FROM ${GOLD_DATABASE}.${kpi.view}`;
}

/**
 * One KPI in QuickSight: a dataset on its gold view with the catalog's import mode, its SPICE refresh schedule
 * (none for DIRECT_QUERY), owner-team permissions, the retail: tags policies check, and an Amazon Q topic only once
 * the steward has approved the definition.
 */
export class KpiDataset extends pulumi.ComponentResource {
  public readonly dataSet: aws.quicksight.DataSet;
  /** The data set's id (the component's name), known before deployment: the freshness function lists its ingestions. */
  public readonly dataSetId: string;
  public readonly importMode: ImportMode;
  /** True when a SPICE KPI runs as DIRECT_QUERY because it exceeds the SPICE cap. */
  public readonly spilled: boolean;
  public readonly refreshSchedules: aws.quicksight.RefreshSchedule[];
  public readonly topic?: quicksightNative.Topic;
  public readonly deployIngestion?: aws.quicksight.Ingestion;

  constructor(name: string, args: KpiDatasetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:KpiDataset", name, {}, opts);
    const { importMode, spilled } = validateKpiDatasetArgs(args, this);
    const { kpi, tags = {} } = args;
    this.importMode = importMode;
    this.spilled = spilled;
    this.dataSetId = name;
    const refresh = importMode === "SPICE" ? kpi.refresh : undefined;

    this.dataSet = new aws.quicksight.DataSet(
      `${name}-dataset`,
      {
        dataSetId: this.dataSetId,
        name: kpi.kpi,
        awsAccountId: args.awsAccountId,
        importMode,
        physicalTableMaps: [
          {
            physicalTableMapId: "gold-view",
            customSql: { dataSourceArn: args.dataSourceArn, name: kpi.view, sqlQuery: kpiDatasetSql(kpi, importMode) },
          },
        ],
        ...(refresh?.incremental
          ? {
              refreshProperties: {
                refreshConfiguration: {
                  incrementalRefresh: { lookbackWindow: { columnName: kpi.eventTimeColumn, size: INCREMENTAL_LOOKBACK_DAYS, sizeUnit: "DAY" } },
                },
              },
            }
          : {}),
        permissions: [{ principal: args.ownerGroupArn, actions: OWNER_DATASET_ACTIONS }],
        tags: {
          ...tags,
          [TAG.component]: "KpiDataset",
          [TAG.kpi]: kpi.kpi,
          [TAG.expectedRows]: tagValue(kpi.expectedRows),
          [TAG.stewardApproved]: tagValue(kpi.stewardApproved),
          [TAG.eventTimeColumn]: kpi.eventTimeColumn,
          // What the cost model sizes a refresh by; the policy pack reads the window from the SQL and the products from its config.
          [TAG.sourceProducts]: formatProducts(kpi.sourceProducts),
        },
      },
      { parent: this, protect: args.protect },
    );

    this.refreshSchedules = [];
    if (refresh) {
      const schedule = (suffix: string, refreshType: string, interval: string) =>
        new aws.quicksight.RefreshSchedule(
          `${name}-${suffix}`,
          {
            awsAccountId: args.awsAccountId,
            dataSetId: this.dataSet.dataSetId,
            scheduleId: suffix,
            schedule: {
              refreshType,
              scheduleFrequency: { interval, timezone: "UTC", ...(interval === "DAILY" ? { timeOfTheDay: args.dailyRefreshTime } : {}) },
            },
          },
          { parent: this },
        );
      this.refreshSchedules.push(schedule("refresh", refresh.incremental ? "INCREMENTAL_REFRESH" : "FULL_REFRESH", refresh.interval));
      if (refresh.incremental) {
        // Rows older than the lookback window change too (late events, silver corrections): rebuild them nightly.
        this.refreshSchedules.push(schedule("nightly-full", "FULL_REFRESH", "DAILY"));
      }
    }

    if (importMode === "SPICE" && args.deployIngestionId !== undefined) {
      this.deployIngestion = new aws.quicksight.Ingestion(
        `${name}-deploy-ingestion`,
        { awsAccountId: args.awsAccountId, dataSetId: this.dataSet.dataSetId, ingestionId: args.deployIngestionId, ingestionType: "FULL_REFRESH" },
        // After whatever the dataset waits for (the views a mode switch rewrites), so it ingests the new rows.
        { parent: this, dependsOn: opts?.dependsOn },
      );
    }

    if (kpi.stewardApproved) {
      this.topic = new quicksightNative.Topic(
        `${name}-topic`,
        {
          awsAccountId: args.awsAccountId,
          topicId: name,
          name: kpi.kpi,
          description: kpi.definition,
          dataSets: [{ datasetArn: this.dataSet.arn, datasetName: kpi.kpi, datasetDescription: kpi.definition }],
          tags: [
            { key: TAG.kpi, value: kpi.kpi },
            { key: TAG.stewardApproved, value: tagValue(kpi.stewardApproved) },
          ],
        },
        { parent: this },
      );
    }

    this.registerOutputs({
      dataSetId: this.dataSet.dataSetId,
      dataSetArn: this.dataSet.arn,
      importMode: this.importMode,
      spilled: this.spilled,
      topicArn: this.topic?.arn,
    });
  }
}
