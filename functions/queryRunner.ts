/**
 * The one seam between the operations handlers and a SQL engine: Athena in AWS, DuckDB on the local lakehouse.
 * Both run the same files under sql/, so a handler tested locally runs the same statements in production.
 */

import type { Alerts } from "./alerts";

export type Row = Record<string, unknown>;

/** What a query-running handler (reconcile, freshness) is given: the engine, where alerts go, and the clock. */
export interface QueryHandlerDeps {
  readonly runner: QueryRunner;
  readonly alerts: Alerts;
  readonly now: () => Date;
}

/**
 * Runs one statement and returns its rows. A statement that changes rows (MERGE, INSERT) and returns no result
 * set answers one row `{ Count: <rows changed> }`, the shape DuckDB gives, so handlers count merged rows one way.
 */
export interface QueryRunner {
  query(sql: string): Promise<Row[]>;
}

/** A query that did not produce rows. `retryable` says whether running it again may succeed. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly queryExecutionId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Throttling, a transient engine error, or a deadline passed: the same statement may succeed later. */
export class RetryableQueryError extends QueryError {
  constructor(message: string, queryExecutionId?: string) {
    super(message, true, queryExecutionId);
  }
}

/** The statement itself is wrong (syntax, permissions, a cancelled scan over the cutoff): retrying repeats it. */
export class FinalQueryError extends QueryError {
  constructor(message: string, queryExecutionId?: string) {
    super(message, false, queryExecutionId);
  }
}

/** Rows changed by a DML statement, from the `{ Count }` row the runner contract promises; 0 when absent. */
export function changedRows(rows: readonly Row[]): number {
  const count = rows.length === 1 ? Number(rows[0].Count) : NaN;
  return Number.isFinite(count) ? count : 0;
}
