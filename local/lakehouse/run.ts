import { LocalLakehouse } from "./duckdb";
import { generate, GeneratedCounts } from "./generate";
import {
  accountDay,
  accountingDays,
  createGoldViews,
  mergeWindow,
  reconcileDay,
  ReconciliationRow,
  sumAccounting,
  summariseReconciliation,
} from "./pipeline";
import { ProductAccounting } from "../../functions/reconcile";
import { checkFault, dropSilver, Fault, FaultResult, plantBeforeMerge, plantResends } from "./faults";
import { InputCounts, loadInput } from "./input";
import { writeOut } from "./output";
import { bridgedConversionCounts, compareConversion, referenceConversionCounts } from "./accuracy";
import { KPI_TABLES, measurePruningIn, PruningResult, withParquet } from "./pruning";
import { measureRefreshBytesIn, RefreshBytes, refreshTables } from "./refreshBytes";
import { eraseMembers, ErasureReport, membersToErase } from "./erasure";
import { localProducts } from "./products";

/**
 * `gold` is the platform's own aggregation (the views, bridged conversion and the other KPIs); `accuracy` is the
 * offline measurement against the truth and the naive email match, which nothing deployed runs.
 */
export const STAGES = ["generate", "merge", "gold", "accuracy", "reconcile", "accounting", "pruning"] as const;
/** `erasure` runs only with --erase, after the others. */
export type Stage = (typeof STAGES)[number] | "erasure";

export type { Fault, FaultResult };

export interface LakehouseRunOptions {
  readonly events: number;
  readonly seed: number;
  readonly days: number;
  readonly fault?: Fault;
  /** Erase this many members after everything else is measured (so accuracy is of the full data). */
  readonly erase?: number;
  /** Read bronze from `<dir>/<product>.jsonl` instead of generating it (no truth: accuracy is not measured). */
  readonly input?: string;
  /** Write silver, quarantine, duplicates and the accounting under this folder. */
  readonly out?: string;
  /** DuckDB database file; in memory when omitted. */
  readonly dbPath?: string;
  /** DuckDB threads and memory_limit (e.g. "2GB"); DuckDB's defaults when omitted. */
  readonly threads?: number;
  readonly memoryLimit?: string;
  /** Where DuckDB spills past memoryLimit (an in-memory database otherwise spills to `.tmp` in the working directory). */
  readonly tempDirectory?: string;
  /**
   * Day offsets to reconcile with the real sql/reconcile files; every day when omitted (the CLI). The bench passes a
   * few days at 10M+ events: each file is one query per day and table, as the daily Lambda runs it. The accounting
   * then covers those days only.
   */
  readonly reconcileDays?: readonly number[];
  /** Runs on the finished lakehouse before it closes (the bench measures the machine's write floor there). */
  readonly beforeClose?: (lake: LocalLakehouse) => Promise<void>;
}

/** The `npm run lakehouse -- --json` object of design.md "Contracts", plus `detail` for people and the bench. */
export interface LakehouseReport {
  readonly events: number;
  readonly seconds: Record<(typeof STAGES)[number], number> & { erasure?: number };
  /** null for an --input run: a user's rows carry no truth. */
  readonly truth: { conversion_rate: number } | null;
  readonly naive: { conversion_rate: number; error: number; maxRegionConversionRate: number } | null;
  readonly bridged: { conversion_rate: number; error: number | null; maxRegionConversionRate: number };
  readonly reconciliation: { table: string; source: number; silver: number; status: "ok" | "mismatch" }[];
  readonly pruning: PruningResult;
  /** Bytes per refresh of each SPICE KPI's dataset SQL at a 1-day and a 30-day window, ending on the last day of data. */
  readonly refreshBytes: Record<string, RefreshBytes>;
  /** Every bronze row per product: bronze = silver + quarantined + duplicates, unaccounted 0 (sql/reconcile/accounting.sql). */
  readonly accounting: Record<string, ProductAccounting>;
  readonly quarantineReasons: Record<string, number>;
  /** Present with --fault: what was planted and whether this report shows it. */
  readonly fault?: FaultResult;
  /** With --erase: rowsRemaining and unaccounted must be 0. */
  readonly erasure?: ErasureReport;
}

/** The conversion of a generated run, measured against its truth. */
export interface MeasuredConversion {
  readonly truth: { conversion_rate: number };
  readonly naive: { conversion_rate: number; error: number; maxRegionConversionRate: number };
  readonly bridged: { conversion_rate: number; error: number; maxRegionConversionRate: number };
}

/** The truth, naive and bridged measurement of a generated run; an --input run has none. */
export function measuredConversion(report: LakehouseReport): MeasuredConversion {
  const { truth, naive, bridged } = report;
  if (!truth || !naive || bridged.error === null) {
    throw new Error("this run read --input rows, which carry no truth: conversion accuracy is measured only on generated data");
  }
  return { truth, naive, bridged: { ...bridged, error: bridged.error } };
}

export interface LakehouseDetail {
  /** Zero counts for an --input run, whose rows are in `input`. */
  readonly generated: GeneratedCounts;
  readonly input?: InputCounts;
  readonly regions: { region: string; truth: number; naive: number; bridged: number }[];
  readonly kpis: Record<string, number>;
}

/** Salt for local runs only; the platform's is the retail:emailHashSalt secret, written to its salt table. */
export const LOCAL_EMAIL_SALT = "local-lakehouse-salt-not-a-secret";
export const START_DAY = "2026-06-01";

function addDays(day: string, offset: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

async function timed<T>(seconds: Record<string, number>, stage: Stage, onStage: (s: Stage) => void, f: () => Promise<T>): Promise<T> {
  onStage(stage);
  const t0 = process.hrtime.bigint();
  const result = await f();
  seconds[stage] = Math.round(Number(process.hrtime.bigint() - t0) / 1e6) / 1000;
  return result;
}

/** The first and last day an --input run holds (arrivals and snapshot days), so it is merged and reconciled whole. */
async function inputDays(lake: LocalLakehouse): Promise<{ first: string; count: number }> {
  const days = localProducts().map(
    (p) => `SELECT ${p.semantics === "snapshot" ? "snapshot_date" : "CAST(received_at AS date)"} AS d FROM retail_bronze.${p.name}`,
  );
  const [r] = await lake.query(
    `SELECT strftime(min(d), '%Y-%m-%d') AS first, date_diff('day', min(d), max(d)) + 1 AS n FROM (${days.join(" UNION ALL ")})`,
  );
  return r.first === null ? { first: START_DAY, count: 1 } : { first: String(r.first), count: Number(r.n) };
}

const NO_GENERATION: GeneratedCounts = { cartEvents: 0, posLines: 0, households: 0, members: 0 };

/** Generate (or load --input), merge (bridge included), build gold, reconcile and account every day, measure pruning. */
export async function runLakehouse(
  options: LakehouseRunOptions,
  onStage: (stage: Stage) => void = () => undefined,
): Promise<{ report: LakehouseReport; detail: LakehouseDetail }> {
  const seconds = {} as LakehouseReport["seconds"];
  const lake = await LocalLakehouse.open({
    path: options.dbPath,
    threads: options.threads,
    memoryLimit: options.memoryLimit,
    tempDirectory: options.tempDirectory,
  });
  try {
    const loaded = await timed(seconds, "generate", onStage, async () => {
      if (options.input) return { generated: NO_GENERATION, input: await loadInput(lake, options.input) };
      return { generated: await generate(lake, { events: options.events, seed: options.seed, days: options.days, startDay: START_DAY }) };
    });
    const span = options.input ? await inputDays(lake) : { first: START_DAY, count: options.days };
    const dayOf = (offset: number) => addDays(span.first, offset);
    const fault = options.fault;
    let injected = 0;
    await timed(seconds, "merge", onStage, async () => {
      if (fault) injected += await plantBeforeMerge(lake, fault);
      // One window over every received day (late events land up to a day after the last event day): a backfill.
      await mergeWindow(lake, { start: `${dayOf(0)} 00:00:00`, end: `${dayOf(span.count + 2)} 00:00:00` }, LOCAL_EMAIL_SALT);
      if (fault?.kind === "resend-late") {
        // The re-sends arrive days later, in windows of their own, as the scheduled merges would read them.
        const resent = await plantResends(lake);
        injected += resent.injected;
        if (resent.window) await mergeWindow(lake, resent.window, LOCAL_EMAIL_SALT);
      }
      if (fault?.kind === "drop-silver") injected += await dropSilver(lake, fault.share);
    });
    const { bridgedRows, kpis } = await timed(seconds, "gold", onStage, async () => {
      await createGoldViews(lake, "omnichannel");
      const bridgedRows = await bridgedConversionCounts(lake);
      const [k] = await lake.query(`
        SELECT
          (SELECT CAST(sum(abandoned_carts) AS double) / sum(carts) FROM retail_gold.cart_abandonment) AS cart_abandonment,
          (SELECT CAST(sum(order_lines) AS double) / count(DISTINCT day) FROM retail_gold.sku_velocity) AS order_lines_per_day,
          (SELECT CAST(sum(redeemed_lines) AS double) / sum(loyalty_order_lines) FROM retail_gold.loyalty_redemption_rate) AS loyalty_redemption_rate,
          (SELECT CAST(sum(units_shipped) AS double) / sum(units_ordered) FROM retail_gold.inventory_fill_rate) AS inventory_fill_rate,
          (SELECT CAST(sum(attributed_revenue) AS double) / sum(spend) FROM retail_gold.campaign_roas) AS campaign_roas`);
      return { bridgedRows, kpis: Object.fromEntries(Object.entries(k).map(([n, v]) => [n, Number(v)])) };
    });
    // A user's own rows have no truth: the bridged rate is reported, its error and the naive match are not.
    const accuracy = await timed(seconds, "accuracy", onStage, async () =>
      options.input ? undefined : compareConversion(await referenceConversionCounts(lake), bridgedRows),
    );
    const reconciliation = await timed(seconds, "reconcile", onStage, async () => {
      const rows: ReconciliationRow[] = [];
      const days = options.reconcileDays ?? Array.from({ length: span.count }, (_, d) => d);
      for (const d of days) rows.push(...(await reconcileDay(lake, dayOf(d))));
      return summariseReconciliation(rows);
    });
    const { accounting, quarantineReasons } = await timed(seconds, "accounting", onStage, async () => {
      const perDay = [];
      // The bench accounts the days it reconciles (one query per day, as the Lambda runs it); a run, every day it holds.
      const days = options.reconcileDays ? options.reconcileDays.map(dayOf) : await accountingDays(lake);
      for (const day of days) perDay.push(await accountDay(lake, day));
      const reasons = await lake.query("SELECT reason, count(*) AS n FROM retail_silver.quarantine GROUP BY reason ORDER BY reason");
      return { accounting: sumAccounting(perDay), quarantineReasons: Object.fromEntries(reasons.map((r) => [String(r.reason), Number(r.n)])) };
    });
    // One Parquet export serves both measurements (at bench scale the export is most of the stage).
    const { pruning, refreshBytes } = await timed(seconds, "pruning", onStage, () =>
      withParquet(lake, [...new Set([...KPI_TABLES, ...refreshTables()])].sort(), async (dir) => ({
        pruning: await measurePruningIn(dir, dayOf(Math.floor(span.count / 2))),
        refreshBytes: await measureRefreshBytesIn(dir, dayOf(span.count - 1)),
      })),
    );
    const unaccounted = Object.values(accounting).reduce((n, a) => n + Math.abs(a.unaccounted), 0);
    const faultResult = fault
      ? await checkFault(lake, fault, injected, { mismatchedTables: reconciliation.filter((r) => r.status === "mismatch").length, unaccounted })
      : undefined;
    const measured = accuracy ?? compareConversion({ truth: bridgedRows, naive: bridgedRows }, bridgedRows);
    const { truth, naive, bridged } = measured;
    const erasure =
      options.erase === undefined
        ? undefined
        : await timed(seconds, "erasure", onStage, async () => {
            const days = options.reconcileDays ?? Array.from({ length: span.count }, (_, d) => d);
            const reconcileAll = async () => {
              const rows: ReconciliationRow[] = [];
              for (const d of days) rows.push(...(await reconcileDay(lake, dayOf(d))));
              return rows;
            };
            const unaccountedAll = async () => {
              const perDay = [];
              for (const day of await accountingDays(lake)) perDay.push(await accountDay(lake, day));
              return Object.values(sumAccounting(perDay)).reduce((n, a) => n + Math.abs(a.unaccounted), 0);
            };
            return eraseMembers(lake, await membersToErase(lake, options.erase!), reconcileAll, unaccountedAll);
          });
    const report: LakehouseReport = {
      events: options.input ? loaded.input!.rows.cart_events + loaded.input!.rows.pos_transactions : options.events,
      seconds,
      truth: accuracy ? { conversion_rate: truth.conversion_rate } : null,
      naive: accuracy ? { conversion_rate: naive.conversion_rate, error: naive.error, maxRegionConversionRate: naive.maxRegionConversionRate } : null,
      bridged: {
        conversion_rate: bridged.conversion_rate,
        error: accuracy ? bridged.error : null,
        maxRegionConversionRate: bridged.maxRegionConversionRate,
      },
      reconciliation,
      pruning,
      refreshBytes,
      accounting,
      quarantineReasons,
      ...(faultResult ? { fault: faultResult } : {}),
      ...(erasure ? { erasure } : {}),
    };
    const regions = Object.keys(bridged.regions).map((region) => ({
      region,
      truth: accuracy ? truth.regions[region] : NaN,
      naive: accuracy ? (naive.regions[region] ?? 0) : NaN,
      bridged: bridged.regions[region] ?? 0,
    }));
    if (options.out) await writeOut(lake, options.out, accounting);
    if (options.beforeClose) await options.beforeClose(lake);
    return { report, detail: { generated: loaded.generated, input: loaded.input, regions, kpis } };
  } finally {
    lake.close();
  }
}
