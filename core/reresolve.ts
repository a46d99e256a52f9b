/**
 * Identity re-resolution over history (issue 17): which SQL runs, in which order, and from where. A recording product's
 * hourly identity run (identityRun) records the rows its merges left unresolved since the record's mark, and every
 * replay records its own windows; both then re-resolve (functions/reresolve.ts), as the local lakehouse does after
 * every window.
 */

/** Finds the event days holding side rows that now resolve; the updates run only for days it finds. */
export const RERESOLVE_PENDING_FILE = "reresolve/pending.sql";
/** The silver updates, each run for one event day the pending query found. */
export const RERESOLVE_APPLY_FILES = ["reresolve/cart_events.sql", "reresolve/order_events.sql"] as const;
/**
 * After the updates: deletes the side rows they applied (a statement with the day parameters runs for each applied
 * day) and those past the horizon (once).
 */
export const RERESOLVE_CLEANUP_FILE = "reresolve/unresolved_identities.sql";
/**
 * Event days one re-resolution updates (the newest, and the oldest first when there are more, since it is the next to
 * pass the horizon); the rest wait for the next run (an hour later). Each day is its own statement per silver table,
 * so one statement reads one day's partition, far under the operations workgroup's per-query cutoff at prod volume
 * (~33 GiB of silver cart events a day, fewer columns read). Each applied day costs
 * three statements (two updates and its side rows' cleanup); with two recording products, each re-resolving hourly, a
 * 30-day backlog after a CRM outage drains in about four hours.
 */
export const RERESOLVE_MAX_DAYS_PER_RUN = 4;

/**
 * sql/unresolved/<product>.sql: records the rows a stream product's merges left unresolved. The merge function runs it
 * in the product's hourly identity run, from the record's mark (RECORD_MARK_FILE) to the run's end, and in every
 * window of a replay; not in every 5-minute run, since each is one more Athena statement and the single merge slot is
 * the platform's bottleneck (local/freshness: per-window records raise the prod slot from 44 % to 64 % offered, and
 * it drops runs). The local lakehouse runs it after every window.
 */
export const RECORD_DIR = "unresolved";
/** The record's mark: how far a scheduled product's hourly record has read (a SELECT, then the MERGE that moves it). */
export const RECORD_MARK_FILE = "reresolve/record_mark.sql";
/**
 * How far back the hourly record reads when its mark is missing (the first run) or recent: the run's lookback plus
 * this much, so a late delivery the merges picked up since the last identity run is read too.
 */
export const RECORD_EXTRA_MINUTES = 120;
/**
 * At most how far back one identity run records: the merge horizon (3 days, sql/merge/), which is also how far back
 * the record finds silver's unresolved rows. Each statement reads at most one day (windows cut at midnight). After
 * identity runs failed for longer, the runbook's backfill of the gap records it (every replay window records).
 */
export const RECORD_MAX_SPAN_MINUTES = 3 * 24 * 60;

/** Whether a scheduled run ending at `end` is its hour's identity run: the top of the hour falls in its last interval. */
export function identityRun(end: Date, intervalMinutes: number): boolean {
  const intoHour = (end.getTime() % 3_600_000) / 60_000;
  return intoHour < intervalMinutes;
}

/** The side table the stream merges record unresolved rows in; bookkeeping, not a silver data table. */
export const UNRESOLVED_TABLE = "retail_silver.unresolved_identities";

const DAY_MS = 86_400_000;

/**
 * The horizon's start: UTC midnight of `end`'s day minus the horizon, so every run of a day reads the same partitions.
 * A side row is within it when both its event time and its first arrival are: the event time bounds the silver days a
 * run reads, the arrival is what the raw-email retention dates it by (sql/retention/raw_email.sql), so with a horizon
 * no longer than the retention, retention only ever drops side rows the horizon had already given up on.
 */
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
