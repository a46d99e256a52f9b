import { changedRows, QueryRunner } from "./queryRunner";
import { nextDay, reresolveHorizonStart, UNRESOLVED_TABLE } from "../core/reresolve";
import { renderSql, sqlTimestamp } from "../core/sql/render";
import { stripComments } from "../core/sql/text";

/** sql/reresolve/ as the merge function runs it (core/reresolve.ts names the files; the plan keeps this stack's statements). */
export interface ReresolveSettings {
  /** reresolve/pending.sql. */
  readonly pending: string;
  /** The silver updates (reresolve/cart_events.sql, reresolve/order_events.sql), unrendered. */
  readonly apply: readonly string[];
  /** reresolve/unresolved_identities.sql's statements. */
  readonly cleanup: readonly string[];
  /** retail:operations.reresolveHorizonDays. */
  readonly horizonDays: number;
  /**
   * Per stream product that records unresolved rows: sql/unresolved/<product>.sql and the product's schedule interval,
   * which decides its hourly identity run (core/reresolve.ts identityRun).
   */
  readonly record: Readonly<Record<string, { readonly sql: string; readonly intervalMinutes: number }>>;
}

export interface ReresolveReport {
  /** Side rows within the horizon whose email_hash resolved when the run began. */
  readonly pending: number;
  /** Silver rows given a loyalty_id, per table. */
  readonly rowsByTable: Record<string, number>;
}

/** The `namespace.table` a MERGE, UPDATE or DELETE statement changes. */
function targetOf(statement: string): string {
  return /\b(?:MERGE\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z0-9_]+\.[a-z0-9_]+)/i.exec(stripComments(statement))?.[1] ?? "(unknown table)";
}

/**
 * Re-resolve the silver rows merged unresolved within the horizon whose email_hash the bridge now resolves: find them
 * and their event days (a query on the side table and the bridge), update only those days' silver partitions when
 * there are any, then delete the side rows applied and those past the horizon. Idempotent: only NULL loyalty_ids are
 * set and applied side rows go, so a second run changes 0 rows.
 */
export async function runReresolve(settings: ReresolveSettings, end: Date, runner: QueryRunner): Promise<ReresolveReport> {
  const horizon = { horizon_start: sqlTimestamp(reresolveHorizonStart(end, settings.horizonDays)) };
  const [found] = await runner.query(renderSql(settings.pending, horizon));
  const pending = Number(found?.pending ?? 0);
  const rowsByTable: Record<string, number> = {};
  if (pending > 0) {
    const days = { reresolve_from: `${String(found.first_day)} 00:00:00`, reresolve_to: `${nextDay(String(found.last_day))} 00:00:00` };
    for (const statement of settings.apply) {
      const target = targetOf(statement);
      rowsByTable[target] = (rowsByTable[target] ?? 0) + changedRows(await runner.query(renderSql(statement, days)));
    }
  }
  for (const statement of settings.cleanup) {
    if (targetOf(statement) !== UNRESOLVED_TABLE)
      throw new Error(`reresolve: a cleanup statement writes ${targetOf(statement)}, not ${UNRESOLVED_TABLE}`);
    await runner.query(renderSql(statement, horizon));
  }
  return { pending, rowsByTable };
}
