/**
 * Identity re-resolution over history (issue 17): which SQL runs, in which order, and from where. The merge function
 * (hourly, see identityRun) and the local lakehouse (every window) record the rows left unresolved, then re-resolve.
 */

/** Finds the side rows that now resolve and their event days; the updates run only when it finds some. */
export const RERESOLVE_PENDING_FILE = "reresolve/pending.sql";
/** The silver updates, bounded to the days the pending query found. */
export const RERESOLVE_APPLY_FILES = ["reresolve/cart_events.sql", "reresolve/order_events.sql"] as const;
/** After the updates: deletes the side rows they applied and those past the horizon. */
export const RERESOLVE_CLEANUP_FILE = "reresolve/unresolved_identities.sql";

/**
 * sql/unresolved/<product>.sql: records the rows a stream product's merges left unresolved. The merge function runs it
 * and then the re-resolution once an hour per product (identityRun), not in every 5-minute run: each is one more Athena
 * statement, and the single merge slot is the platform's bottleneck (local/freshness).
 */
export const RECORD_DIR = "unresolved";
/** How far back the hourly record reads arrivals beyond the run's own lookback: two hours, so one missed run loses nothing. */
export const RECORD_EXTRA_MINUTES = 120;

/** Whether a scheduled run ending at `end` is its hour's identity run: the top of the hour falls in its last interval. */
export function identityRun(end: Date, intervalMinutes: number): boolean {
  const intoHour = (end.getTime() % 3_600_000) / 60_000;
  return intoHour < intervalMinutes;
}

/** The side table the stream merges record unresolved rows in; bookkeeping, not a silver data table. */
export const UNRESOLVED_TABLE = "retail_silver.unresolved_identities";

const DAY_MS = 86_400_000;

/** The horizon's start: UTC midnight of `end`'s day minus the horizon, so every run of a day reads the same partitions. */
export function reresolveHorizonStart(end: Date, horizonDays: number): Date {
  if (!Number.isInteger(horizonDays) || horizonDays < 1) {
    throw new RangeError(`reresolve: horizonDays = ${horizonDays}; give whole days (retail:operations.reresolveHorizonDays)`);
  }
  const midnight = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate());
  return new Date(midnight - horizonDays * DAY_MS);
}

/** The day after a 'YYYY-MM-DD' day, same form. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}
