import * as path from "path";
import { dailyRefreshTime, KpiFreshness } from "../../core/freshness";
import { effectiveRefresh, RefreshCadence } from "../../core/kpiCatalog";
import { REPO_ROOT } from "../../core/paths";
import { MergeSettings } from "../../functions/merge";
import { mergeSettingsOf } from "../../components/operations/settings";
import { MergeTrigger } from "../../components/operations/plan";
import { loadStackPlan } from "../stackPlan";

/** A streaming product as the simulator replays it: its declared peak and the Firehose buffering it is built with. */
export interface SimStream {
  readonly name: string;
  readonly freshnessMinutes: number;
  readonly peakRecordsPerSecond: number;
  readonly avgRecordBytes: number;
}

export interface SimBatch {
  readonly name: string;
  readonly lane: "batch-15min" | "batch-hourly" | "batch-daily";
  readonly timeoutMinutes: number;
}

export interface SimKpi {
  readonly kpi: string;
  readonly sourceProducts: readonly string[];
  /** Undefined for DIRECT_QUERY: the gold view is visible as soon as silver is. */
  readonly refresh?: RefreshCadence;
  readonly model: KpiFreshness;
}

/** Everything the simulator replays, read from the stack file, the KPI catalog and the operations plan. */
export interface SimInputs {
  readonly stack: string;
  readonly streams: readonly SimStream[];
  readonly batches: readonly SimBatch[];
  readonly merges: readonly { product: string; trigger: MergeTrigger; lookbackMinutes: number }[];
  /** The merge handler's settings as the program ships them (functions/merge.ts runs on them). */
  readonly mergeSettings: MergeSettings;
  readonly kpis: readonly SimKpi[];
  /** "HH:MM" UTC of daily SPICE refreshes. */
  readonly dailyRefreshTime: string;
}

/** Read a stack file (Pulumi.<stack>.yaml format) through the program's own config parser, catalog and operations plan. */
export function loadSimInputs(stackFile: string, stack: string): SimInputs {
  const { cfg, catalog, budget, plan } = loadStackPlan(stackFile, stack);
  return {
    stack,
    streams: cfg.streams.map((s) => ({
      name: s.name,
      freshnessMinutes: s.freshnessMinutes,
      peakRecordsPerSecond: s.stream.peakRecordsPerSecond,
      avgRecordBytes: s.stream.avgRecordBytes,
    })),
    batches: cfg.batches.map((b) => ({ name: b.name, lane: b.lane, timeoutMinutes: b.batch.timeoutMinutes })),
    merges: plan.merges.map((m) => ({ product: m.product, trigger: m.trigger, lookbackMinutes: m.lookbackMinutes })),
    // As deployed: the hourly identity runs' record, mark and re-resolution (counted with nothing pending, since the
    // counting runner returns no rows: the record, the mark's read and move, the pending query and the cleanup).
    mergeSettings: mergeSettingsOf(plan, cfg.reresolveHorizonDays),
    kpis: catalog.map((k) => ({
      kpi: k.kpi,
      sourceProducts: k.sourceProducts,
      refresh: effectiveRefresh(k, cfg.quicksight.spiceRowCap),
      model: budget[k.kpi],
    })),
    dailyRefreshTime: dailyRefreshTime(cfg),
  };
}

/** The repository's stack file for a stack name. */
export function stackFilePath(stack: string): string {
  return path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
}
