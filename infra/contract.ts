import * as pulumi from "@pulumi/pulumi";
import { CONTRACT_VERSION, PlatformOutputs } from "../core/contract";
import { OPERATIONS_METRICS } from "../core/metrics";
import { Platform } from "./platform";

/** Outputs as Pulumi values, typed against the contract so a missing or misspelled key fails to compile. */
export type PlatformOutputInputs = { readonly [K in keyof PlatformOutputs]: pulumi.Input<PlatformOutputs[K]> };

export function platformOutputs(p: Platform): PlatformOutputInputs {
  const tables: Record<string, Record<string, pulumi.Output<string>>> = {};
  for (const [fq, table] of Object.entries(p.lakehouse.tables)) {
    const [ns, name] = fq.split(".");
    (tables[ns] ??= {})[name] = table.tableArn;
  }
  return {
    contractVersion: CONTRACT_VERSION,
    environment: p.config.environment,
    region: p.config.region,
    tableBucketArn: p.lakehouse.tableBucketArn,
    catalogArn: p.lakehouse.catalogArn,
    namespaces: pulumi.output({
      bronze: p.lakehouse.namespaces.retail_bronze,
      silver: p.lakehouse.namespaces.retail_silver,
      gold: p.lakehouse.namespaces.retail_gold,
    }),
    tables: pulumi.output(tables),
    streams: pulumi.output(
      Object.fromEntries(
        Object.entries(p.streams).map(([product, lane]) => [
          product,
          {
            streamName: lane.stream.name,
            streamArn: lane.stream.arn,
            firehoseName: lane.firehose.name,
            shardCount: lane.shardCount ?? null,
            kmsKeyArn: p.kmsKey.arn,
          },
        ]),
      ),
    ),
    glueJobs: pulumi.output(Object.fromEntries(Object.entries(p.batches).map(([product, lane]) => [product, lane.job.name]))),
    alarmTopicArn: p.alarmTopic.arn,
    athenaWorkgroups: p.gold.athenaWorkgroups,
    goldDatabase: p.gold.goldDatabase,
    quicksightDataSources: p.gold.quicksightDataSources,
    quicksightDatasets: p.gold.quicksightDatasets,
    qEligibleKpis: p.gold.qEligibleKpis,
    qTopics: p.gold.qTopics,
    goldChannelMode: p.gold.goldChannelMode,
    freshnessBudget: p.gold.freshnessBudget,
    freshnessMeasured: {
      baselineRefreshHours: p.config.baselineRefreshHours,
      canaryEnabled: p.config.canary.enabled,
      kpis: Object.keys(p.operations.plan.canary?.kpis ?? {}).sort(),
      metricNamespace: OPERATIONS_METRICS.measuredFreshnessMinutes.namespace,
      metricName: OPERATIONS_METRICS.measuredFreshnessMinutes.metricName,
    },
    operationsFunctions: pulumi.output(
      Object.fromEntries(
        Object.entries(p.operations.functions)
          .filter(([job]) => job !== "canary")
          .map(([job, fn]) => [job, fn!.name]),
      ),
    ),
    reconciledTables: p.operations.reconciledTables,
    operationsFailureQueueArn: p.operations.failureQueue.arn,
    dashboards: pulumi.output({
      executive: p.gold.executiveDashboard.apply((d) => ({ id: d.id, arn: d.arn, publishedVersion: d.versionNumber })),
      operations: { name: p.operationsDashboard.dashboardName, arn: p.operationsDashboard.dashboardArn },
    }),
  };
}
