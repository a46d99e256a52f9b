import { Alerts } from "./alerts";
import { changedRows, QueryRunner } from "./queryRunner";
import { OPERATIONS_METRICS } from "../core/metrics";
import { renderSql } from "../core/sql/render";
import { stripComments } from "../core/sql/text";

/** The raw-email retention the maintenance function runs daily (sql/retention/raw_email.sql). */
export interface RetentionSettings {
  /** The file's statements whose tables this stack has, unrendered. */
  readonly statements: readonly string[];
  /** retail:privacy.rawEmailRetentionDays: whole days a raw email is kept after arrival. */
  readonly retentionDays: number;
}

export interface RetentionReport {
  /** UTC midnight before which rows were scrubbed, YYYY-MM-DD. */
  readonly cutoff: string;
  readonly rowsByTable: Record<string, number>;
}

export interface RetentionDeps {
  readonly runner: QueryRunner;
  readonly alerts: Pick<Alerts, "putMetrics">;
  readonly now: () => Date;
}

const DAY_MS = 86_400_000;

/** The `namespace.table` an UPDATE (a bronze scrub) or DELETE (the unresolved-identities expiry) statement changes. */
function targetOf(statement: string): string {
  return /\b(?:UPDATE|DELETE\s+FROM)\s+([a-z0-9_]+\.[a-z0-9_]+)/i.exec(stripComments(statement))?.[1] ?? "(unknown table)";
}

/** Today's UTC midnight minus the retention: a row that arrived before it has been kept for the whole retention. */
export function retentionCutoff(now: Date, retentionDays: number): string {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`retention: retentionDays = ${retentionDays}; give whole days (retail:privacy.rawEmailRetentionDays)`);
  }
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - retentionDays * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Set every raw email older than the retention to NULL, one statement per bronze table, and drop the unresolved-identity
 * rows as old, and count the rows each changed (RowsScrubbed per table). Idempotent: a repeated or retried run changes nothing more.
 */
export async function runRetention(settings: RetentionSettings, deps: RetentionDeps): Promise<RetentionReport> {
  const cutoff = retentionCutoff(deps.now(), settings.retentionDays);
  const rowsByTable: Record<string, number> = {};
  for (const statement of settings.statements) {
    const sql = renderSql(statement, { cutoff });
    const target = targetOf(sql);
    rowsByTable[target] = (rowsByTable[target] ?? 0) + changedRows(await deps.runner.query(sql));
  }
  await deps.alerts.putMetrics(
    Object.entries(rowsByTable).map(([table, value]) => ({
      name: OPERATIONS_METRICS.rowsScrubbed.metricName,
      value,
      unit: "Count" as const,
      dimensions: { Table: table },
    })),
  );
  return { cutoff, rowsByTable };
}
