/**
 * The bounded window a SPICE dataset reads. A full SPICE refresh runs the dataset's SQL once; unbounded, it scans
 * every day of silver the view reads and, at prod volume, passes the workgroup's bytes-scanned cutoff within days.
 * So a SPICE dataset's SQL is its gold view filtered to the catalog's refresh_window_days, in the one form below:
 * the program writes it, the policy pack reads the window back from the SQL that runs (not from a tag), and the
 * local lakehouse measures it.
 *
 * Why the bound is on the view's day column and still prunes silver: the views group by `CAST(event_ts AS date)`
 * (the day column), and Trino pushes a conjunct on a grouping key below the aggregation, through the views' join on
 * day to the other side, constant-folds `current_date - INTERVAL 'N' DAY`, and unwraps `CAST(ts AS date) > DATE 'x'`
 * into a range on event_ts (UnwrapCastInComparison) that the Iceberg connector prunes day(event_ts) partitions with.
 * Not for a table joined on something else: campaign_roas joins its conversion touches to order_events by order id,
 * so the bound prunes order_events and every refresh reads all of retail_silver.campaign_attribution's conversions
 * (README "Known limits").
 */

/** Smallest and largest window a catalog row may state, in days. 400 covers a year-on-year comparison. */
export const REFRESH_WINDOW_MIN_DAYS = 1;
export const REFRESH_WINDOW_MAX_DAYS = 400;

/** Days an incremental refresh re-reads: the event-time column is a date, so 2 days re-reads yesterday's late merges too. */
export const INCREMENTAL_LOOKBACK_DAYS = 2;

/**
 * `SELECT * FROM <db>.<view> WHERE <day> > current_date - INTERVAL 'N' DAY`: today and the N-1 days before it, so a
 * refresh reads N day partitions. `today` replaces current_date where a run needs a fixed day (the local lakehouse).
 */
export function refreshWindowSql(database: string, view: string, dayColumn: string, days: number, today = "current_date"): string {
  if (!Number.isInteger(days) || days < REFRESH_WINDOW_MIN_DAYS || days > REFRESH_WINDOW_MAX_DAYS) {
    throw new Error(
      `refresh window of ${database}.${view} is ${days} days; it must be a whole number from ${REFRESH_WINDOW_MIN_DAYS} to ${REFRESH_WINDOW_MAX_DAYS}. Fix: set refresh_window_days in the catalog.`,
    );
  }
  return `SELECT * FROM ${database}.${view} WHERE ${dayColumn} > ${today} - INTERVAL '${days}' DAY`;
}

export interface RefreshWindow {
  readonly table: string;
  readonly dayColumn: string;
  readonly days: number;
}

const WINDOW_FORM =
  /^\s*select\s+\*\s+from\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)\s+where\s+([a-z_][a-z0-9_]*)\s*>\s*current_date\s*-\s*interval\s+'(\d+)'\s+day\s*;?\s*$/i;

/**
 * The window a dataset's SQL reads, when it is exactly the form refreshWindowSql writes; undefined for anything else
 * (no bound, a fixed date, an OR that undoes the bound, a join), which a reader cannot bound without a parser.
 */
export function refreshWindowOf(sql: string): RefreshWindow | undefined {
  const m = WINDOW_FORM.exec(sql);
  if (!m) return undefined;
  const days = Number(m[3]);
  return days >= REFRESH_WINDOW_MIN_DAYS ? { table: m[1], dayColumn: m[2], days } : undefined;
}
