import { KpiFreshness } from "./freshness";

/**
 * The stack outputs other teams consume through StackReference. This module is the only place outputs
 * are declared (infra/contract.ts builds them). Renaming or removing a key is a breaking change: bump CONTRACT_VERSION and add a line
 * to the README's changelog (the contract test enforces both).
 */
export const CONTRACT_VERSION = "1";

export interface StreamOutput {
  readonly streamName: string;
  readonly streamArn: string;
  readonly firehoseName: string;
  readonly shardCount: number | null;
  /** Producers need kms:GenerateDataKey on this key to write to the encrypted stream. */
  readonly kmsKeyArn: string;
}

export interface PlatformOutputs {
  readonly contractVersion: string;
  readonly environment: string;
  readonly region: string;
  readonly tableBucketArn: string;
  readonly catalogArn: string;
  readonly namespaces: { readonly bronze: string; readonly silver: string; readonly gold: string };
  /** Table ARNs by namespace, then table name. */
  readonly tables: Record<string, Record<string, string>>;
  /** By data product. */
  readonly streams: Record<string, StreamOutput>;
  /** Glue job names by data product. */
  readonly glueJobs: Record<string, string>;
  /** Alarms and operations alerts (reconciliation drift, staleness, maintenance) go to this topic. */
  readonly alarmTopicArn: string;
  /** Athena workgroups: `platform` (DDL, operations) and one per KPI owner team. */
  readonly athenaWorkgroups: { readonly platform: string; readonly teams: Record<string, string> };
  /** Glue database holding the gold KPI views. */
  readonly goldDatabase: string;
  /** QuickSight Athena data sources by owner team. */
  readonly quicksightDataSources: Record<string, { readonly id: string; readonly arn: string }>;
  /** QuickSight datasets by KPI; `spilled` is true when the SPICE cap sent a KPI to direct query. */
  readonly quicksightDatasets: Record<string, { readonly id: string; readonly arn: string; readonly importMode: string; readonly spilled: boolean }>;
  /** Steward-approved KPIs, the only ones with an Amazon Q topic. */
  readonly qEligibleKpis: string[];
  /** Amazon Q topic ARNs by KPI. */
  readonly qTopics: Record<string, string>;
  /** omnichannel, or store-only while the identity bridge backfills (the rollback switch), since when, and each view's SQL file. */
  readonly goldChannelMode: { readonly mode: string; readonly since: string; readonly viewSources: Record<string, string> };
  /** Worst-case minutes from a source event to the dashboard, per KPI, and where they go. */
  readonly freshnessBudget: Record<string, KpiFreshness>;
  /**
   * Freshness measured by the canary against the "before" figure: the hours dashboards lagged before this platform
   * (retail:baselineRefreshHours), whether the canary runs, the KPIs it measures and the CloudWatch metric holding the
   * minutes. Added within contract 1.
   */
  readonly freshnessMeasured: {
    readonly baselineRefreshHours: number;
    readonly canaryEnabled: boolean;
    readonly kpis: string[];
    readonly metricNamespace: string;
    readonly metricName: string;
  };
  /** Operations Lambdas by job (merge, reconcile, freshness, maintenance; the canary is not part of the contract). */
  readonly operationsFunctions: Record<string, string>;
  /** Silver tables the daily reconciliation covers. */
  readonly reconciledTables: string[];
  /** Failed operations runs land here (SQS) for replay. */
  readonly operationsFailureQueueArn: string;
  /**
   * The QuickSight executive dashboard (built from the KPI catalog) with the version QuickSight publishes, and the
   * CloudWatch operations dashboard. Added within contract 1.
   */
  readonly dashboards: {
    readonly executive: { readonly id: string; readonly arn: string; readonly publishedVersion: number };
    readonly operations: { readonly name: string; readonly arn: string };
  };
}
