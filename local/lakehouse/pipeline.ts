import * as path from "path";
import { LocalLakehouse } from "./duckdb";
import { localProducts, sqlNames } from "./products";
import { ProductAccounting, productAccounting } from "../../functions/reconcile";
import { ReresolveSettings, runReresolve } from "../../functions/reresolve";
import { changedRows } from "../../functions/queryRunner";
import { RECORD_DIR, RECORD_MARK_FILE, RERESOLVE_APPLY_FILES, RERESOLVE_CLEANUP_FILE, RERESOLVE_PENDING_FILE } from "../../core/reresolve";
import { RERESOLVE_HORIZON_DEFAULT_DAYS } from "../../core/limits";
import { loadSql } from "../../core/sql/files";
import { renderSql } from "../../core/sql/render";
import { splitStatements } from "../../core/sql/text";

/** The gold KPIs: every view file in sql/gold/omnichannel (the catalog checks each has its store-only twin). */
export const KPIS: readonly string[] = sqlNames(path.join("gold", "omnichannel"));
export type Kpi = string;
export type GoldVariant = "omnichannel" | "store-only";

const PRODUCTS = localProducts();
/** Snapshot merges run first: the bridge reads loyalty_tier, and the event merges read the bridge. */
export const BATCH_MERGES: readonly string[] = PRODUCTS.filter((p) => p.semantics === "snapshot").map((p) => p.name);
export const STREAM_MERGES: readonly string[] = PRODUCTS.filter((p) => p.semantics === "event").map((p) => p.name);
/** Silver tables fed by a lane: every sql/reconcile/<table>.sql but the accounting. */
export const RECONCILED_TABLES: readonly string[] = sqlNames("reconcile").filter((t) => t !== "accounting");

export interface MergeWindow {
  /** 'YYYY-MM-DD HH:MM:SS', inclusive. */
  readonly start: string;
  /** 'YYYY-MM-DD HH:MM:SS', exclusive. */
  readonly end: string;
}

export interface ReconciliationRow {
  readonly table: string;
  readonly day: string;
  readonly source: number;
  readonly silver: number;
  readonly status: "ok" | "mismatch";
}

export interface MergeWindowOptions {
  /** Only these products' merges (a backfill's set); every product when omitted. The bridge always runs. */
  readonly products?: readonly string[];
  /** retail:operations.reresolveHorizonDays; its default when omitted. */
  readonly reresolveHorizonDays?: number;
}

/** What a window's cycle did beyond the merges: the bridge rows it changed, silver rows re-resolved per table. */
export interface MergeWindowReport {
  readonly bridgeRowsChanged: number;
  readonly rowsReresolved: Record<string, number>;
}

/** Stream products whose merges record the rows they leave unresolved (sql/unresolved/<product>.sql). */
export const RECORDING_MERGES: readonly string[] = sqlNames(RECORD_DIR);

function recordMark(): { read: string; write: string } {
  const [read, write] = splitStatements(loadSql(RECORD_MARK_FILE));
  return { read, write };
}

/** sql/unresolved/ and sql/reresolve/ as the merge function receives them (every table exists locally). */
export function localReresolveSettings(horizonDays: number = RERESOLVE_HORIZON_DEFAULT_DAYS): ReresolveSettings {
  return {
    pending: loadSql(RERESOLVE_PENDING_FILE),
    apply: RERESOLVE_APPLY_FILES.map((f) => loadSql(f)),
    cleanup: splitStatements(loadSql(RERESOLVE_CLEANUP_FILE)),
    mark: recordMark(),
    horizonDays,
    record: Object.fromEntries(RECORDING_MERGES.map((p) => [p, { sql: loadSql(`${RECORD_DIR}/${p}.sql`), intervalMinutes: 60 }])),
  };
}

/**
 * One merge cycle of the platform for a received_at window: batch merges, bridge build, stream merges, then the record
 * of the rows they left unresolved and the re-resolution, as functions/merge.ts runs them in its hourly identity run
 * (here every window is one). The salt goes into the salt table the SQL reads (as deployment writes it on AWS), never
 * into the statements.
 */
export async function mergeWindow(
  lake: LocalLakehouse,
  window: MergeWindow,
  emailSalt: string,
  options: MergeWindowOptions = {},
): Promise<MergeWindowReport> {
  await lake.setEmailSalt(emailSalt);
  const params = { window_start: window.start, window_end: window.end };
  const runs = (table: string) => options.products === undefined || options.products.includes(table);
  for (const table of BATCH_MERGES.filter(runs)) await lake.runFile(`merge/${table}.sql`, params);
  const bridgeRowsChanged = changedRows(await lake.runFile("bridge/identity_bridge.sql", params));
  for (const table of STREAM_MERGES.filter(runs)) await lake.runFile(`merge/${table}.sql`, params);
  const reresolve = localReresolveSettings(options.reresolveHorizonDays);
  for (const table of RECORDING_MERGES.filter(runs)) await lake.run(renderSql(reresolve.record[table].sql, params));
  const { rowsByTable } = await runReresolve(reresolve, new Date(`${window.end.replace(" ", "T")}Z`), lake);
  return { bridgeRowsChanged, rowsReresolved: rowsByTable };
}

/** Point the retail_gold views at one variant; switching variants is the seed's rollback. */
export async function createGoldViews(lake: LocalLakehouse, variant: GoldVariant): Promise<void> {
  for (const kpi of KPIS) await lake.runFile(`gold/${variant}/${kpi}.sql`);
}

/** Run every reconciliation query for one day. */
export async function reconcileDay(lake: LocalLakehouse, day: string): Promise<ReconciliationRow[]> {
  const out: ReconciliationRow[] = [];
  for (const table of RECONCILED_TABLES) {
    const [row] = await lake.runFile(`reconcile/${table}.sql`, { day });
    const source = Number(row.source_rows);
    const silver = Number(row.silver_rows);
    out.push({ table, day, source, silver, status: source === silver ? "ok" : "mismatch" });
  }
  return out;
}

/** Sum per-day reconciliation into one row per table; a table is a mismatch if any of its days is. */
export function summariseReconciliation(rows: readonly ReconciliationRow[]): Omit<ReconciliationRow, "day">[] {
  const byTable = new Map<string, { table: string; source: number; silver: number; status: "ok" | "mismatch" }>();
  for (const r of rows) {
    const acc = byTable.get(r.table) ?? { table: r.table, source: 0, silver: 0, status: "ok" as const };
    acc.source += r.source;
    acc.silver += r.silver;
    if (r.status === "mismatch") acc.status = "mismatch";
    byTable.set(r.table, acc);
  }
  return [...byTable.values()];
}

/** sql/reconcile/accounting.sql for one accounting day, as the daily Lambda reads it: one entry per product. */
export async function accountDay(lake: LocalLakehouse, day: string): Promise<Record<string, ProductAccounting>> {
  const rows = await lake.runFile("reconcile/accounting.sql", { day });
  return Object.fromEntries(rows.map((r) => [String(r.product), productAccounting(r, "accounting")]));
}

/** Add per-product accountings (days summed). */
export function sumAccounting(days: readonly Record<string, ProductAccounting>[]): Record<string, ProductAccounting> {
  const out: Record<string, ProductAccounting> = {};
  for (const day of days) {
    for (const [product, a] of Object.entries(day)) {
      const acc = out[product] ?? { bronze: 0, silver: 0, quarantined: 0, duplicates: 0, unaccounted: 0 };
      out[product] = {
        bronze: acc.bronze + a.bronze,
        silver: acc.silver + a.silver,
        quarantined: acc.quarantined + a.quarantined,
        duplicates: acc.duplicates + a.duplicates,
        unaccounted: acc.unaccounted + a.unaccounted,
      };
    }
  }
  return out;
}

/**
 * Every accounting day the bronze tables hold (arrival days, snapshot days, the event days of rows with no arrival,
 * 1970-01-01 for rows with neither), so a whole-run accounting sums each bronze row exactly once.
 */
export async function accountingDays(lake: LocalLakehouse): Promise<string[]> {
  const days = PRODUCTS.map(
    (p) => `SELECT DISTINCT CAST(${p.dayExpression} AS varchar) AS d FROM retail_bronze.${p.name} WHERE ${p.dayExpression} IS NOT NULL`,
  );
  const rows = await lake.query(`${days.join(" UNION ")} ORDER BY 1`);
  return rows.map((r) => String(r.d));
}
