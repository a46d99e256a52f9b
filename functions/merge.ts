import { Alerts, Metric } from "./alerts";
import { changedRows, QueryError, QueryRunner } from "./queryRunner";
import { renderSql, sqlTimestamp } from "../core/sql/render";
import { splitStatements, stripComments } from "../core/sql/text";
import { OPERATIONS_METRICS } from "../core/metrics";
import { ReresolveSettings, runReresolve } from "./reresolve";
import { identityRun, RECORD_EXTRA_MINUTES, RECORD_MAX_SPAN_MINUTES } from "../core/reresolve";

/** What the schedule sends: the product to merge and the time it fired (`<aws.scheduler.scheduled-time>`). */
export interface MergeEvent {
  readonly product: string;
  readonly scheduledTime?: string;
  /**
   * An operator's re-merge of a longer span than the schedule's lookback, e.g. one day per invocation when the bridge
   * is rebuilt after a salt rotation: whole minutes, at most a day, since every window of a run must fit its timeout.
   */
  readonly lookbackMinutes?: number;
}

export interface MergeProduct {
  /** Text of sql/merge/<product>.sql. */
  readonly sql: string;
  /** How far back from the window end each run re-reads bronze, so late Firehose deliveries are picked up. */
  readonly lookbackMinutes: number;
  /**
   * Whether each window refreshes the identity bridge before the product's statements: products whose bronze the
   * bridge reads, or whose merge resolves identities through it (bridgeUse in components/operations.ts decides).
   */
  readonly refreshesBridge: boolean;
}

export interface MergeSettings {
  readonly products: Readonly<Record<string, MergeProduct>>;
  /** Text of sql/bridge/identity_bridge.sql; it runs before the product's statements of the same window. */
  readonly bridgeSql: string;
  /**
   * sql/unresolved/ and sql/reresolve/ (files named in core/reresolve.ts, the statements whose tables this stack has):
   * a recording product's hourly identity run records the rows its merges left unresolved since the record's mark
   * (sql/reresolve/record_mark.sql) and moves the mark; every replay (a backfill window, an operator's re-merge)
   * records its own windows. Both then re-resolve every recorded row the bridge now resolves. Absent in a stack with
   * no recording product (components/operations/plan.ts decides).
   */
  readonly reresolve?: ReresolveSettings;
}

export interface MergeDeps {
  readonly runner: QueryRunner;
  readonly alerts: Pick<Alerts, "putMetrics">;
  readonly now: () => Date;
}

export interface MergeWindow {
  readonly start: Date;
  readonly end: Date;
}

export interface MergeReport {
  readonly product: string;
  readonly windows: { start: string; end: string }[];
  /** Rows each silver table gained or changed, summed over the windows and the record (re-resolution not included). */
  readonly rowsByTable: Record<string, number>;
  readonly rowsQuarantined: number;
  /** Silver rows the re-resolution gave a loyalty_id, per table (empty when the run does not re-resolve: reresolves). */
  readonly rowsReresolved: Record<string, number>;
}

/** Where the merge refuses rows to: counted as RowsQuarantined, not RowsMerged. */
export const QUARANTINE_TABLE = "retail_silver.quarantine";
const DAY_MS = 86_400_000;

export class MergeError extends Error {}

/**
 * The windows one run merges: [end - lookback, end), cut at UTC midnight so each window reads one day
 * partition of bronze. The end is the schedule's fire time (to the minute), so a retried run re-merges
 * exactly the window it was scheduled for.
 */
export function mergeWindows(end: Date, lookbackMinutes: number): MergeWindow[] {
  const stop = Math.floor(end.getTime() / 60_000) * 60_000;
  let from = stop - lookbackMinutes * 60_000;
  const windows: MergeWindow[] = [];
  while (from < stop) {
    const to = Math.min(stop, (Math.floor(from / DAY_MS) + 1) * DAY_MS);
    windows.push({ start: new Date(from), end: new Date(to) });
    from = to;
  }
  return windows;
}

/**
 * Whether a run re-resolves after its windows: a recording product's hourly identity run (core/reresolve.ts identityRun),
 * and every replay (an event with lookbackMinutes: a backfill window or an operator's re-merge), whose windows are what
 * taught the bridge its links. The re-resolution is a few Athena statements, so the 5-minute runs skip it.
 */
export function reresolves(event: MergeEvent, settings: MergeSettings, end: Date): boolean {
  const record = settings.reresolve?.record[event.product];
  if (!settings.reresolve || !record) return false;
  return event.lookbackMinutes !== undefined || identityRun(end, record.intervalMinutes);
}

/** A `YYYY-MM-DD HH:MM:SS[.fff]` value as Athena and DuckDB print a timestamp cast to varchar (UTC), or undefined. */
function parseSqlTimestamp(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value)) return undefined;
  const t = Date.parse(`${value.slice(0, 19).replace(" ", "T")}Z`);
  return Number.isNaN(t) ? undefined : t;
}

/** The `namespace.table` a MERGE or INSERT statement writes. */
export function targetOf(statement: string): string | undefined {
  return /\b(?:MERGE|INSERT)\s+INTO\s+([a-z0-9_]+\.[a-z0-9_]+)/i.exec(stripComments(statement))?.[1];
}

/**
 * Merge one product's bronze rows into silver for the windows ending at its scheduled time, refreshing the
 * identity bridge first when the product feeds or reads it. Every statement inserts only keys its target lacks
 * (or updates only what changed), so a repeated or retried run leaves silver as it was; overlapping runs are
 * prevented by the function's reserved concurrency of one (see components/operations.ts).
 */
export async function runMerge(event: MergeEvent, settings: MergeSettings, deps: MergeDeps): Promise<MergeReport> {
  const product = settings.products[event.product];
  if (!product) {
    throw new MergeError(`merge: unknown product "${event.product}"; this function merges ${Object.keys(settings.products).join(", ")}`);
  }
  const end = event.scheduledTime ? new Date(event.scheduledTime) : deps.now();
  if (Number.isNaN(end.getTime())) throw new MergeError(`merge: scheduledTime "${event.scheduledTime}" is not an ISO-8601 time`);
  const lookback = event.lookbackMinutes ?? product.lookbackMinutes;
  if (event.lookbackMinutes !== undefined && (!Number.isInteger(lookback) || lookback < 1 || lookback > 1440)) {
    throw new MergeError(
      `merge: lookbackMinutes ${JSON.stringify(event.lookbackMinutes)} must be a whole number from 1 to 1440. Fix: re-merge longer spans one day per invocation.`,
    );
  }
  const windows = mergeWindows(end, lookback);
  const rowsByTable: Record<string, number> = {};
  const rowsReresolved: Record<string, number> = {};
  const guarded = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      const message = `merge ${event.product} ${what}: ${(e as Error).message}`;
      if (e instanceof QueryError) {
        // Keep the class: whether the run is worth retrying is the runner's call.
        e.message = message;
        throw e;
      }
      throw new MergeError(message);
    }
  };
  /** Run statements in order, adding each one's changed rows to its target's count. */
  const runStatements = async (statements: string[], params: Record<string, string>, where: string): Promise<void> => {
    for (const statement of statements) {
      const target = targetOf(statement) ?? "(unknown table)";
      const n = changedRows(await guarded(`${where} into ${target}`, () => deps.runner.query(renderSql(statement, params))));
      rowsByTable[target] = (rowsByTable[target] ?? 0) + n;
    }
  };
  const record = settings.reresolve?.record[event.product];
  const replay = event.lookbackMinutes !== undefined;
  const recordWindow = async (w: MergeWindow) => {
    const params = { window_start: sqlTimestamp(w.start), window_end: sqlTimestamp(w.end) };
    await runStatements(splitStatements(record!.sql), params, `record [${params.window_start}, ${params.window_end})`);
  };
  for (const w of windows) {
    // The salt is not a parameter: the SQL reads it from its table (core/emailSalt.ts), so this function never holds it.
    const params = { window_start: sqlTimestamp(w.start), window_end: sqlTimestamp(w.end) };
    const where = `[${params.window_start}, ${params.window_end})`;
    if (product.refreshesBridge) await runStatements(splitStatements(settings.bridgeSql), params, where);
    await runStatements(splitStatements(product.sql), params, where);
    // A replay records exactly the windows it merged, whatever their alignment: a backfill's rows are never left out.
    if (record && replay) await recordWindow(w);
  }
  const stop = windows.length > 0 ? windows[windows.length - 1].end : undefined;
  if (record && !replay && stop && identityRun(end, record.intervalMinutes)) {
    // The hourly record reads from where the last identity run that succeeded stopped (its mark), so a failed or missed
    // one loses nothing; at least the lookback plus two hours, at most the merge horizon. The mark moves last.
    const mark = settings.reresolve!.mark;
    const [read] = await guarded("record mark", () => deps.runner.query(renderSql(mark.read, { product: event.product })));
    const through = parseSqlTimestamp(read?.recorded_through);
    const earliest = stop.getTime() - RECORD_MAX_SPAN_MINUTES * 60_000;
    const usual = stop.getTime() - (lookback + RECORD_EXTRA_MINUTES) * 60_000;
    const from = Math.max(earliest, Math.min(usual, through ?? usual));
    for (const w of mergeWindows(stop, (stop.getTime() - from) / 60_000)) await recordWindow(w);
    await guarded("record mark", () => deps.runner.query(renderSql(mark.write, { product: event.product, window_end: sqlTimestamp(stop) })));
  }
  // Re-resolve every recorded row whatever run's bridge refresh taught the bridge its link; the pending query decides
  // whether silver is touched at all. The horizon runs from now, the operator's or the schedule's clock, not from the
  // windows' end: a backfill of last month re-resolves within the same horizon as the hourly run.
  if (windows.length > 0 && reresolves(event, settings, end)) {
    const now = deps.now();
    const changed = await guarded(`re-resolution at ${sqlTimestamp(now)}`, () => runReresolve(settings.reresolve!, now, deps.runner));
    for (const [table, n] of Object.entries(changed.rowsByTable)) rowsReresolved[table] = n;
  }
  const rowsQuarantined = rowsByTable[QUARANTINE_TABLE] ?? 0;
  const metrics: Metric[] = [
    ...Object.entries(rowsByTable)
      .filter(([table]) => table !== QUARANTINE_TABLE)
      .map(([table, value]) => ({
        name: OPERATIONS_METRICS.rowsMerged.metricName,
        value,
        unit: "Count" as const,
        dimensions: { Product: event.product, Table: table },
      })),
    { name: OPERATIONS_METRICS.rowsQuarantined.metricName, value: rowsQuarantined, unit: "Count", dimensions: { Product: event.product } },
    ...Object.entries(rowsReresolved).map(([table, value]) => ({
      name: OPERATIONS_METRICS.rowsReresolved.metricName,
      value,
      unit: "Count" as const,
      dimensions: { Product: event.product, Table: table },
    })),
  ];
  await deps.alerts.putMetrics(metrics);
  return {
    product: event.product,
    windows: windows.map((w) => ({ start: sqlTimestamp(w.start), end: sqlTimestamp(w.end) })),
    rowsByTable,
    rowsQuarantined,
    rowsReresolved,
  };
}
