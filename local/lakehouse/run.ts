import { LocalLakehouse } from "./duckdb";
import { generate, GeneratedCounts } from "./generate";
import { createGoldViews, mergeWindow, reconcileDay, ReconciliationRow, summariseReconciliation } from "./pipeline";
import { bridgedConversionCounts, compareConversion, referenceConversionCounts } from "./accuracy";
import { measurePruning, PruningResult } from "./pruning";
import { eraseMembers, ErasureReport, membersToErase } from "./erasure";

/**
 * `gold` is the platform's own aggregation (the views, bridged conversion and the other KPIs); `accuracy` is the
 * offline measurement against the truth and the naive email match, which nothing deployed runs.
 */
export const STAGES = ["generate", "merge", "gold", "accuracy", "reconcile", "pruning"] as const;
/** `erasure` runs only with --erase, after the others. */
export type Stage = (typeof STAGES)[number] | "erasure";

/** A fault to inject after the merge; reconciliation must notice it. */
export interface Fault {
  readonly kind: "drop-silver";
  readonly share: number;
}

export interface LakehouseRunOptions {
  readonly events: number;
  readonly seed: number;
  readonly days: number;
  readonly fault?: Fault;
  /** Erase this many members after everything else is measured (so accuracy is of the full data). */
  readonly erase?: number;
  /** DuckDB database file; in memory when omitted. */
  readonly dbPath?: string;
  /** DuckDB threads and memory_limit (e.g. "2GB"); DuckDB's defaults when omitted. */
  readonly threads?: number;
  readonly memoryLimit?: string;
  /** Where DuckDB spills past memoryLimit (an in-memory database otherwise spills to `.tmp` in the working directory). */
  readonly tempDirectory?: string;
  /**
   * Day offsets to reconcile with the real sql/reconcile files; every day when omitted (the CLI). The bench passes a
   * few days at 10M+ events: each file is one query per day and table, as the daily Lambda runs it.
   */
  readonly reconcileDays?: readonly number[];
  /** Runs on the finished lakehouse before it closes (the bench measures the machine's write floor there). */
  readonly beforeClose?: (lake: LocalLakehouse) => Promise<void>;
}

/** The `npm run lakehouse -- --json` object of design.md "Contracts", plus `detail` for people and the bench. */
export interface LakehouseReport {
  readonly events: number;
  readonly seconds: Record<(typeof STAGES)[number], number> & { erasure?: number };
  readonly truth: { conversion_rate: number };
  readonly naive: { conversion_rate: number; error: number; maxRegionConversionRate: number };
  readonly bridged: { conversion_rate: number; error: number; maxRegionConversionRate: number };
  readonly reconciliation: { table: string; source: number; silver: number; status: "ok" | "mismatch" }[];
  readonly pruning: PruningResult;
  /** With --erase: rowsRemaining and unaccounted must be 0. */
  readonly erasure?: ErasureReport;
}

export interface LakehouseDetail {
  readonly generated: GeneratedCounts;
  readonly regions: { region: string; truth: number; naive: number; bridged: number }[];
  readonly kpis: Record<string, number>;
}

/** Salt for local runs only; the platform's is the retail:emailHashSalt secret, written to its salt table. */
export const LOCAL_EMAIL_SALT = "local-lakehouse-salt-not-a-secret";
export const START_DAY = "2026-06-01";

const SILVER_FAULT_TABLES = ["retail_silver.order_events", "retail_silver.cart_events"];

function dayOf(offset: number): string {
  const d = new Date(`${START_DAY}T00:00:00Z`);
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

/** Generate, merge (bridge included), build gold, reconcile every day and measure pruning. */
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
    const generated = await timed(seconds, "generate", onStage, () =>
      generate(lake, { events: options.events, seed: options.seed, days: options.days, startDay: START_DAY }),
    );
    await timed(seconds, "merge", onStage, async () => {
      // One window over every received day (late events land up to a day after the last event day): a backfill.
      await mergeWindow(lake, { start: `${dayOf(0)} 00:00:00`, end: `${dayOf(options.days + 2)} 00:00:00` }, LOCAL_EMAIL_SALT);
      if (options.fault) {
        const cut = Math.round(options.fault.share * 1_000_000);
        for (const table of SILVER_FAULT_TABLES) {
          await lake.run(`DELETE FROM ${table} WHERE hash(event_id, 'fault-drop-silver') % 1000000 < ${cut}`);
        }
      }
    });
    const { bridgedRows, kpis } = await timed(seconds, "gold", onStage, async () => {
      await createGoldViews(lake, "omnichannel");
      const bridgedRows = await bridgedConversionCounts(lake);
      const [k] = await lake.query(`
        SELECT
          (SELECT CAST(sum(abandoned_carts) AS double) / sum(carts) FROM retail_gold.cart_abandonment) AS cart_abandonment,
          (SELECT CAST(sum(order_lines) AS double) / count(DISTINCT day) FROM retail_gold.sku_velocity) AS order_lines_per_day,
          (SELECT CAST(sum(redeemed_lines) AS double) / sum(loyalty_order_lines) FROM retail_gold.loyalty_redemption_rate) AS loyalty_redemption_rate,
          (SELECT CAST(sum(units_shipped) AS double) / sum(units_ordered) FROM retail_gold.inventory_fill_rate) AS inventory_fill_rate`);
      return { bridgedRows, kpis: Object.fromEntries(Object.entries(k).map(([n, v]) => [n, Number(v)])) };
    });
    const accuracy = await timed(seconds, "accuracy", onStage, async () => compareConversion(await referenceConversionCounts(lake), bridgedRows));
    const reconciliation = await timed(seconds, "reconcile", onStage, async () => {
      const rows: ReconciliationRow[] = [];
      const days = options.reconcileDays ?? Array.from({ length: options.days }, (_, d) => d);
      for (const d of days) rows.push(...(await reconcileDay(lake, dayOf(d))));
      return summariseReconciliation(rows);
    });
    const pruning = await timed(seconds, "pruning", onStage, () => measurePruning(lake, dayOf(Math.floor(options.days / 2))));
    const erasure =
      options.erase === undefined
        ? undefined
        : await timed(seconds, "erasure", onStage, async () => {
            const days = options.reconcileDays ?? Array.from({ length: options.days }, (_, d) => d);
            const reconcileAll = async () => {
              const rows: ReconciliationRow[] = [];
              for (const d of days) rows.push(...(await reconcileDay(lake, dayOf(d))));
              return rows;
            };
            return eraseMembers(lake, await membersToErase(lake, options.erase!), reconcileAll);
          });
    const { truth, naive, bridged } = accuracy;
    const report: LakehouseReport = {
      events: options.events,
      seconds,
      truth: { conversion_rate: truth.conversion_rate },
      naive: { conversion_rate: naive.conversion_rate, error: naive.error, maxRegionConversionRate: naive.maxRegionConversionRate },
      bridged: { conversion_rate: bridged.conversion_rate, error: bridged.error, maxRegionConversionRate: bridged.maxRegionConversionRate },
      reconciliation,
      pruning,
      ...(erasure ? { erasure } : {}),
    };
    const regions = Object.keys(truth.regions).map((region) => ({
      region,
      truth: truth.regions[region],
      naive: naive.regions[region] ?? 0,
      bridged: bridged.regions[region] ?? 0,
    }));
    if (options.beforeClose) await options.beforeClose(lake);
    return { report, detail: { generated, regions, kpis } };
  } finally {
    lake.close();
  }
}
