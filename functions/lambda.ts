import { AthenaClient } from "@aws-sdk/client-athena";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { S3TablesClient } from "@aws-sdk/client-s3tables";
import { SNSClient } from "@aws-sdk/client-sns";
import { CreateIngestionCommand, ListIngestionsCommand, QuickSightClient } from "@aws-sdk/client-quicksight";
import { ENV } from "../core/runtime";
import { AwsAlerts } from "./alerts";
import { BackfillEvent, BackfillReport, BackfillSettings, runBackfill } from "./backfill";
import { mergeInvoker, sdkInvoke, selfInvoker } from "./lambdaInvoke";
import { AthenaRunner } from "./athenaRunner";
import { EraseEvent, EraseReport, EraseSettings, runErase } from "./erase";
import { CanaryReport, CanarySettings, runCanary } from "./canary";
import { FreshnessReport, FreshnessSettings, runFreshness } from "./freshness";
import { Ingestion } from "./measuredFreshness";
import { MaintenanceReport, MaintenanceSettings, runMaintenance } from "./maintenance";
import { MergeEvent, MergeReport, MergeSettings, runMerge } from "./merge";
import { ReconcileEvent, ReconcileReport, ReconcileSettings, runReconcile } from "./reconcile";
import { RetentionReport, RetentionSettings, runRetention } from "./retention";

/**
 * The Lambda entry points: each reads its ARNs from the environment, builds the AWS clients and calls the plain
 * handler. functions/entries/* call these with the settings shipped beside the bundle.
 */

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set; the Operations component sets it`);
  return value;
}

function alerts(): AwsAlerts {
  return new AwsAlerts(new CloudWatchClient({}), new SNSClient({}), env(ENV.topicArn));
}

/** What the Lambda runtime passes as the second handler argument, as far as we use it. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** Margin between the last statement's deadline and the function's timeout, for stopping it and reporting. */
const STOP_MARGIN_MS = 10_000;

function athena(context: InvocationContext | undefined): AthenaRunner {
  return new AthenaRunner(new AthenaClient({}), {
    workGroup: env(ENV.workGroup),
    catalog: env(ENV.catalog),
    deadlineMs: Number(env(ENV.queryDeadlineMs)),
    // A statement stopped before the invocation ends cannot commit beside the next run's.
    stopAt: context ? Date.now() + context.getRemainingTimeInMillis() - STOP_MARGIN_MS : undefined,
  });
}

export async function mergeEntry(event: MergeEvent, settings: MergeSettings, context?: InvocationContext): Promise<MergeReport> {
  const report = await runMerge(event, settings, { runner: athena(context), alerts: alerts(), now: () => new Date() });
  console.log(JSON.stringify({ merge: report }));
  return report;
}

/** The operator's backfill: the merge function by name, and itself (the runtime names it) to hand over to. */
export async function backfillEntry(event: BackfillEvent, settings: BackfillSettings, context: InvocationContext): Promise<BackfillReport> {
  const invoke = sdkInvoke();
  const report = await runBackfill(event, settings, {
    invokeMerge: mergeInvoker(invoke, env(ENV.mergeFunctionName)),
    continueWith: selfInvoker(invoke, env("AWS_LAMBDA_FUNCTION_NAME")),
    runner: athena(context),
    alerts: alerts(),
    now: () => new Date(),
    remainingMs: () => context.getRemainingTimeInMillis(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => console.log(JSON.stringify(line)),
  });
  console.log(JSON.stringify({ backfill: report }));
  return report;
}

export async function eraseEntry(event: EraseEvent, settings: EraseSettings, context?: InvocationContext): Promise<EraseReport> {
  const quicksight = new QuickSightClient({});
  const spice = {
    datasetIds: JSON.parse(env(ENV.spiceDatasetIds)) as string[],
    reingest: async (id: string) => {
      await quicksight.send(new CreateIngestionCommand({ AwsAccountId: env(ENV.awsAccountId), DataSetId: id, IngestionId: `erasure-${Date.now()}` }));
    },
  };
  const report = await runErase(event, settings, { runner: athena(context), alerts: alerts(), spice });
  console.log(JSON.stringify({ erase: report }));
  return report;
}

export async function reconcileEntry(event: ReconcileEvent, settings: ReconcileSettings, context?: InvocationContext): Promise<ReconcileReport> {
  const report = await runReconcile(event ?? {}, settings, { runner: athena(context), alerts: alerts(), now: () => new Date() });
  console.log(JSON.stringify({ reconcile: report }));
  return report;
}

/** Pages of ListIngestions read per data set at most: a refresh every 15 minutes fills one page in a day. */
const INGESTION_PAGES = 5;

/** SPICE ingestions of a data set created since `since`; paging stops at a page that reaches back past it. */
export function listIngestions(quicksight: QuickSightClient, awsAccountId: string) {
  return async (dataSetId: string, since: Date): Promise<Ingestion[]> => {
    const out: Ingestion[] = [];
    let NextToken: string | undefined;
    for (let page = 0; page < INGESTION_PAGES; page++) {
      const res = await quicksight.send(new ListIngestionsCommand({ AwsAccountId: awsAccountId, DataSetId: dataSetId, NextToken, MaxResults: 100 }));
      for (const i of res.Ingestions ?? []) {
        if (!i.CreatedTime) continue;
        out.push({
          createdAt: i.CreatedTime,
          status: String(i.IngestionStatus),
          ...(i.IngestionStatus === "COMPLETED" && i.IngestionTimeInSeconds !== undefined
            ? { completedAt: new Date(i.CreatedTime.getTime() + i.IngestionTimeInSeconds * 1000) }
            : {}),
        });
      }
      NextToken = res.NextToken;
      const oldest = Math.min(...(res.Ingestions ?? []).map((i) => i.CreatedTime?.getTime() ?? Infinity));
      if (!NextToken || oldest < since.getTime()) break;
    }
    return out.filter((i) => i.createdAt.getTime() >= since.getTime());
  };
}

export async function freshnessEntry(settings: FreshnessSettings, context?: InvocationContext): Promise<FreshnessReport> {
  const report = await runFreshness(settings, {
    runner: athena(context),
    alerts: alerts(),
    now: () => new Date(),
    ...(settings.canary && Object.values(settings.canary.kpis).some((k) => k.dataSetId !== undefined)
      ? { ingestions: listIngestions(new QuickSightClient({}), env(ENV.awsAccountId)) }
      : {}),
  });
  console.log(JSON.stringify({ freshness: report }));
  return report;
}

/** The maintenance function's settings: the table status check, and the raw-email retention when the stack has it. */
export type MaintenanceEntrySettings = Omit<MaintenanceSettings, "tableBucketArn"> & { readonly retention?: RetentionSettings };

export async function maintenanceEntry(
  settings: MaintenanceEntrySettings,
  context?: InvocationContext,
): Promise<MaintenanceReport & { retention?: RetentionReport }> {
  const { retention: retentionSettings, ...status } = settings;
  // Retention first and on its own: a table whose status cannot be read must not keep emails a day longer.
  let retention: RetentionReport | undefined;
  let retentionError: unknown;
  if (retentionSettings && retentionSettings.statements.length > 0) {
    try {
      retention = await runRetention(retentionSettings, { runner: athena(context), alerts: alerts(), now: () => new Date() });
    } catch (e) {
      retentionError = e;
      console.error(JSON.stringify({ retentionFailed: (e as Error).message }));
    }
  }
  const report = await runMaintenance(
    { ...status, tableBucketArn: env(ENV.tableBucketArn) },
    { s3tables: new S3TablesClient({}), alerts: alerts(), now: () => new Date() },
  );
  console.log(JSON.stringify({ maintenance: report, ...(retention ? { retention } : {}) }));
  // A failed retention fails the invocation (into the failure queue and its alarm); the next day's run retries it.
  if (retentionError !== undefined) throw retentionError;
  return { ...report, ...(retention ? { retention } : {}) };
}

export async function canaryEntry(): Promise<CanaryReport> {
  const kinesis = new KinesisClient({});
  const settings: CanarySettings = { streams: JSON.parse(env(ENV.canaryStreams)) as Record<string, string> };
  const report = await runCanary(settings, {
    streams: {
      putRecord: async (StreamName, PartitionKey, Data) => {
        await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey, Data }));
      },
    },
    alerts: alerts(),
    now: () => new Date(),
  });
  console.log(JSON.stringify({ canary: report }));
  return report;
}
