import * as fs from "fs";
import * as path from "path";
import { GOLD_DATABASE, KpiDefinition, loadKpiCatalog } from "../../core/kpiCatalog";
import { refreshWindowSql } from "../../core/refreshWindow";
import { stripComments } from "../../core/sql/text";
import { LocalLakehouse } from "./duckdb";
import { bytesFor } from "./pruning";

/** The windows compared: one day against the month a dashboard might want. */
export const MEASURED_WINDOWS = [1, 30] as const;

export interface RefreshBytes {
  /** Bytes read by the dataset's SQL at a 1-day and a 30-day window, and their ratio (≈ 30 when partitions prune). */
  readonly days1: number;
  readonly days30: number;
  readonly ratio: number;
  /** Distinct days the 1-day and 30-day SQL returned: the window's days, not one more. */
  readonly daysReturned: readonly [number, number];
}

/** The silver tables a view file reads. */
function silverTables(sql: string): string[] {
  return [...new Set([...stripComments(sql).matchAll(/\bretail_silver\.([a-z0-9_]+)/g)].map((m) => `retail_silver.${m[1]}`))].sort();
}

/** The silver tables the SPICE KPIs' views read: what measureRefreshBytesIn needs exported. */
export function refreshTables(kpis: readonly KpiDefinition[] = loadKpiCatalog()): string[] {
  return [...new Set(kpis.filter((k) => k.importMode === "SPICE").flatMap((k) => silverTables(k.viewSql.omnichannel)))].sort();
}

/**
 * Bytes per refresh of each SPICE KPI's dataset SQL (the statement KpiDataset deploys, with `today` for current_date)
 * at a 1-day and a 30-day window, read from the day-partitioned Parquet copies withParquet wrote of refreshTables.
 *
 * As in pruning.ts, the window's partition predicate is applied at the scan, as Iceberg planning applies the bound
 * Trino pushes down (core/refreshWindow.ts says why it reaches the scan); DuckDB 1.5.6 keeps it above a full
 * READ_PARQUET. So this measures what the pruned scan reads, not whether an engine prunes.
 */
export async function measureRefreshBytesIn(
  dir: string,
  today: string,
  kpis: readonly KpiDefinition[] = loadKpiCatalog(),
): Promise<Record<string, RefreshBytes>> {
  const reader = await LocalLakehouse.open();
  try {
    // An empty table exports no files (an --input run without redemptions): the reader keeps its own empty table.
    const exported = refreshTables(kpis).filter((t) => fs.existsSync(path.join(dir, t)) && fs.readdirSync(path.join(dir, t)).length > 0);
    for (const table of exported) await reader.run(`DROP TABLE ${table}`);
    const out: Record<string, RefreshBytes> = {};
    for (const k of kpis.filter((c) => c.importMode === "SPICE")) {
      const measured: { bytes: number; days: number }[] = [];
      for (const days of MEASURED_WINDOWS) {
        for (const table of silverTables(k.viewSql.omnichannel).filter((t) => exported.includes(t))) {
          await reader.run(
            `CREATE OR REPLACE VIEW ${table} AS SELECT * EXCLUDE (part_day) ` +
              `FROM read_parquet('${path.join(dir, table)}/*/*.parquet', hive_partitioning = true) WHERE part_day > DATE '${today}' - INTERVAL '${days}' DAY`,
          );
        }
        await reader.run(k.viewSql.omnichannel);
        const sql = refreshWindowSql(GOLD_DATABASE, k.view, k.eventTimeColumn, days, `DATE '${today}'`);
        const bytes = await bytesFor(reader, sql);
        const [row] = await reader.query(`SELECT count(DISTINCT ${k.eventTimeColumn}) AS n FROM (${sql})`);
        measured.push({ bytes, days: Number(row.n) });
      }
      const [one, thirty] = measured;
      out[k.kpi] = {
        days1: one.bytes,
        days30: thirty.bytes,
        ratio: one.bytes === 0 ? 0 : thirty.bytes / one.bytes,
        daysReturned: [one.days, thirty.days],
      };
    }
    return out;
  } finally {
    reader.close();
  }
}
