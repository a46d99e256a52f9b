/**
 * Identity re-resolution over history (issue 17): which SQL runs, in which order, and from where. The merge function
 * and the local lakehouse both run these files after a bridge refresh that changed bridge rows.
 */

/** Finds the side rows that now resolve and their event days; the updates run only when it finds some. */
export const RERESOLVE_PENDING_FILE = "reresolve/pending.sql";
/** The silver updates, bounded to the days the pending query found. */
export const RERESOLVE_APPLY_FILES = ["reresolve/cart_events.sql", "reresolve/order_events.sql"] as const;
/** After the updates: deletes the side rows they applied and those past the horizon. */
export const RERESOLVE_CLEANUP_FILE = "reresolve/unresolved_identities.sql";

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
