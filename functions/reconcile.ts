import { Metric } from "./alerts";
import { QueryHandlerDeps } from "./queryRunner";
import { renderSql } from "../core/sql/render";
import { splitStatements } from "../core/sql/text";
import { OPERATIONS_METRICS } from "../core/metrics";

/** Optional: reconcile a given day (backfills, re-runs); the schedule sends nothing and gets yesterday (UTC). */
export interface ReconcileEvent {
  readonly day?: string;
}

export interface ReconcileSettings {
  /** Text of sql/reconcile/<table>.sql by silver table name; each returns one row {source_rows, silver_rows}. */
  readonly tables: Readonly<Record<string, string>>;
  /** Relative drift |source − silver| / source at which a table becomes a mismatch (reaching it is a mismatch). */
  readonly tolerance: number;
}

/**
 * The file (sql/reconcile/accounting.sql) that accounts for every bronze row, one result row per product: it is
 * checked exactly (any unaccounted row is a mismatch, whatever the tolerance) and reported as `accounting:<product>`.
 */
export const ACCOUNTING_FILE = "accounting";

export interface ProductAccounting {
  readonly bronze: number;
  readonly silver: number;
  readonly quarantined: number;
  readonly duplicates: number;
  /** bronze − silver − quarantined − duplicates: 0 when every bronze row is accounted for. */
  readonly unaccounted: number;
}

/** Read one accounting row; a missing or non-numeric count is an error naming the column. */
export function productAccounting(row: Record<string, unknown>, where: string): ProductAccounting {
  const bronze = count(row, "bronze_rows", where);
  const silver = count(row, "silver_rows", where);
  const quarantined = count(row, "quarantined_rows", where);
  const duplicates = count(row, "duplicate_rows", where);
  return { bronze, silver, quarantined, duplicates, unaccounted: bronze - silver - quarantined - duplicates };
}

export type TableReconciliation =
  { table: string; status: "ok" | "mismatch"; source: number; silver: number; drift: number } | { table: string; status: "error"; error: string };

export interface ReconcileReport {
  readonly day: string;
  readonly tolerance: number;
  readonly tables: TableReconciliation[];
}

/** Thrown after metrics and the alert went out, so the invocation counts as failed and retries apply. */
export class ReconcileFailed extends Error {
  constructor(readonly report: ReconcileReport) {
    const failed = report.tables.filter((t) => t.status === "error").map((t) => t.table);
    super(`reconcile ${report.day}: ${failed.length} of ${report.tables.length} tables could not be counted: ${failed.join(", ")}`);
  }
}

/** Drift relative to what the source sent; a source of zero compares against one row so drift stays finite. */
export function driftRatio(source: number, silver: number): number {
  return Math.abs(source - silver) / Math.max(source, 1);
}

/**
 * A table is a mismatch when its drift reaches the tolerance: the boundary is inclusive, so a tolerance of 0.001
 * alarms on exactly 0.1 % lost. A tolerance of 0 asks for exact counts, so it is met only by no drift at all.
 */
export function isMismatch(drift: number, tolerance: number): boolean {
  return drift > 0 && drift >= tolerance;
}

function yesterday(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

function count(row: Record<string, unknown> | undefined, column: string, table: string): number {
  const n = Number(row?.[column]);
  if (row?.[column] === null || row?.[column] === undefined || typeof row[column] === "boolean" || !Number.isFinite(n)) {
    throw new Error(`sql/reconcile/${table}.sql returned ${JSON.stringify(row ?? null)}: expected a numeric column ${column}`);
  }
  return n;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/** One SNS body for the whole run: every mismatched table with both counts, then every table that failed. */
export function reconcileMessage(report: ReconcileReport): string {
  const lines = [`Source-vs-silver reconciliation for ${report.day} (tolerance ${pct(report.tolerance)}).`, ""];
  for (const t of report.tables) {
    if (t.status === "mismatch" && t.table.startsWith("accounting:")) {
      lines.push(
        `UNACCOUNTED retail_bronze.${t.table.slice("accounting:".length)}: ${t.source} bronze rows, ${t.silver} in silver, quarantine and ` +
          `duplicates (${t.source - t.silver} unaccounted; exact, no tolerance)`,
      );
    } else if (t.status === "mismatch") {
      lines.push(`MISMATCH retail_silver.${t.table}: source ${t.source} rows, silver ${t.silver} rows, drift ${pct(t.drift)}`);
    }
  }
  for (const t of report.tables) {
    if (t.status === "error") lines.push(`FAILED retail_silver.${t.table}: ${t.error}`);
  }
  lines.push("", "What to do: README, Operations, alarm 'reconcile drift'.");
  return lines.join("\n");
}

/**
 * Count source and silver rows of one day for every reconciled table. A table whose query fails is reported
 * and the others still run; metrics go out per table, then one SNS message if anything is off, and only then
 * does a failed query fail the invocation.
 */
export async function runReconcile(event: ReconcileEvent, settings: ReconcileSettings, deps: QueryHandlerDeps): Promise<ReconcileReport> {
  const day = event.day ?? yesterday(deps.now());
  const tables: TableReconciliation[] = [];
  for (const [table, sql] of Object.entries(settings.tables)) {
    try {
      let rows: Record<string, unknown>[] = [];
      for (const statement of splitStatements(renderSql(sql, { day }))) rows = await deps.runner.query(statement);
      if (table === ACCOUNTING_FILE) {
        if (rows.length === 0) throw new Error(`sql/reconcile/${table}.sql returned no rows: expected one row per product`);
        for (const row of rows) {
          const a = productAccounting(row, table);
          // Exact: the tolerance is for counts from outside the lakehouse, and these are all inside it.
          const drift = Math.abs(a.unaccounted) / Math.max(a.bronze, 1);
          const silver = a.silver + a.quarantined + a.duplicates;
          tables.push({
            table: `accounting:${String(row.product)}`,
            status: a.unaccounted === 0 ? "ok" : "mismatch",
            source: a.bronze,
            silver,
            drift,
          });
        }
        continue;
      }
      const source = count(rows[0], "source_rows", table);
      const silver = count(rows[0], "silver_rows", table);
      const drift = driftRatio(source, silver);
      tables.push({ table, status: isMismatch(drift, settings.tolerance) ? "mismatch" : "ok", source, silver, drift });
    } catch (e) {
      tables.push({ table, status: "error", error: (e as Error).message });
    }
  }
  const report: ReconcileReport = { day, tolerance: settings.tolerance, tables };
  const metrics: Metric[] = tables.flatMap((t) =>
    t.status === "error"
      ? [{ name: OPERATIONS_METRICS.reconcileQueryFailed.metricName, value: 1, unit: "Count" as const, dimensions: { Table: t.table } }]
      : [
          { name: OPERATIONS_METRICS.sourceRows.metricName, value: t.source, unit: "Count" as const, dimensions: { Table: t.table } },
          { name: OPERATIONS_METRICS.silverRows.metricName, value: t.silver, unit: "Count" as const, dimensions: { Table: t.table } },
          { name: OPERATIONS_METRICS.driftRatio.metricName, value: t.drift, unit: "None" as const, dimensions: { Table: t.table } },
          ...(t.table.startsWith("accounting:")
            ? [
                {
                  name: OPERATIONS_METRICS.unaccountedRows.metricName,
                  value: t.source - t.silver,
                  unit: "Count" as const,
                  dimensions: { Table: t.table },
                },
              ]
            : []),
        ],
  );
  await deps.alerts.putMetrics(metrics);
  const mismatched = tables.filter((t) => t.status === "mismatch").length;
  const failed = tables.filter((t) => t.status === "error").length;
  if (mismatched + failed > 0) {
    await deps.alerts.notify(`retail reconcile ${day}: ${mismatched} mismatched, ${failed} failed`, reconcileMessage(report));
  }
  if (failed > 0) throw new ReconcileFailed(report);
  return report;
}
