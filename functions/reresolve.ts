import { changedRows, QueryRunner } from "./queryRunner";
import { nextDay, reresolveHorizonStart, RERESOLVE_MAX_DAYS_PER_RUN, UNRESOLVED_TABLE } from "../core/reresolve";
import { placeholdersOf, renderSql, sqlTimestamp } from "../core/sql/render";
import { stripComments } from "../core/sql/text";

/** sql/reresolve/ as the merge function runs it (core/reresolve.ts names the files; the plan keeps this stack's statements). */
export interface ReresolveSettings {
  /** reresolve/pending.sql. */
  readonly pending: string;
  /** The silver updates (reresolve/cart_events.sql, reresolve/order_events.sql), unrendered. */
  readonly apply: readonly string[];
  /** reresolve/record_mark.sql: the SELECT that reads a product's record mark and the MERGE that moves it. */
  readonly mark: { readonly read: string; readonly write: string };
  /** reresolve/unresolved_identities.sql's statements: those with the day parameters run per applied day, the rest once. */
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
  /** Side rows within the horizon whose email_hash resolved when the run began, over every pending day. */
  readonly pending: number;
  /** The event days this run updated, in order (at most RERESOLVE_MAX_DAYS_PER_RUN: the oldest when over, then the newest). */
  readonly daysApplied: string[];
  /** Pending days left for a later run (older than those applied). */
  readonly daysLeft: number;
  /** Silver rows given a loyalty_id, per table. */
  readonly rowsByTable: Record<string, number>;
}

/** The `namespace.table` a MERGE, UPDATE or DELETE statement changes. */
function targetOf(statement: string): string {
  return /\b(?:MERGE\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z0-9_]+\.[a-z0-9_]+)/i.exec(stripComments(statement))?.[1] ?? "(unknown table)";
}

/**
 * Re-resolve the silver rows merged unresolved within the horizon whose email_hash the bridge now resolves: find their
 * event days (a query on the side table and the bridge), then for at most RERESOLVE_MAX_DAYS_PER_RUN days (the
 * newest, and the oldest when there are more) update that one day's silver partitions and delete its applied side
 * rows; then delete the side rows past the horizon. Days beyond the cap keep their side rows for the next run.
 * Idempotent: only NULL loyalty_ids are set and applied side rows go, so a second run changes 0 rows. `now` is the clock the horizon runs from.
 */
export async function runReresolve(settings: ReresolveSettings, now: Date, runner: QueryRunner): Promise<ReresolveReport> {
  const horizonStart = sqlTimestamp(reresolveHorizonStart(now, settings.horizonDays));
  const horizon = { horizon_start: horizonStart };
  for (const statement of settings.cleanup) {
    if (targetOf(statement) !== UNRESOLVED_TABLE)
      throw new Error(`reresolve: a cleanup statement writes ${targetOf(statement)}, not ${UNRESOLVED_TABLE}`);
  }
  const found = await runner.query(renderSql(settings.pending, horizon));
  const days = found.map((r) => ({ day: String(r.day), pending: Number(r.pending) })).filter((d) => d.pending > 0);
  // Newest first, except that a backlog over the cap gives its oldest day the first place: it is the next to pass the
  // horizon, whose cleanup would delete its side rows unapplied. So a backlog drains from both ends, and loses nothing.
  const applied = days.length <= RERESOLVE_MAX_DAYS_PER_RUN ? days : [days[days.length - 1], ...days.slice(0, RERESOLVE_MAX_DAYS_PER_RUN - 1)];
  const rowsByTable: Record<string, number> = {};
  const perDay = settings.cleanup.filter((statement) => placeholdersOf(statement).includes("reresolve_from"));
  const once = settings.cleanup.filter((statement) => !perDay.includes(statement));
  for (const { day } of applied) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`reresolve: the pending query returned day ${JSON.stringify(day)}, not YYYY-MM-DD`);
    const params = { ...horizon, reresolve_from: `${day} 00:00:00`, reresolve_to: `${nextDay(day)} 00:00:00` };
    for (const statement of settings.apply) {
      const target = targetOf(statement);
      rowsByTable[target] = (rowsByTable[target] ?? 0) + changedRows(await runner.query(renderSql(statement, params)));
    }
    for (const statement of perDay) await runner.query(renderSql(statement, params));
  }
  for (const statement of once) await runner.query(renderSql(statement, horizon));
  return {
    pending: days.reduce((n, d) => n + d.pending, 0),
    daysApplied: applied.map((d) => d.day),
    daysLeft: days.length - applied.length,
    rowsByTable,
  };
}
